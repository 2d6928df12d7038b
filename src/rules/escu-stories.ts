// Names of the ESCU analytic stories the rules belong to, shared by the rule files and the SPL app writer.
export const KUBERNETES_SECURITY = 'Kubernetes Security';
export const ABNORMAL_KUBERNETES_BEHAVIOR = 'Abnormal Kubernetes Behavior using Splunk Infrastructure Monitoring';
