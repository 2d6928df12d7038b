// Strategic merge patch lists of the built-in kinds (generated from kube-apiserver v1.32.13 /openapi/v2 by tools/write-patch-strategies.mjs: do not edit).
import type { PatchStrategies } from './strategic-merge-patch.js';

/**
 * `roots`: apiVersion/kind → the type of the object. `types`: per type, only the fields that lead to a list with
 * x-kubernetes-patch-strategy merge (`list: 'merge'`, merged by x-kubernetes-patch-merge-key, a list of scalars when there
 * is no key); every field not listed is merged as in a JSON merge patch, every list not listed is replaced.
 */
export const PATCH_STRATEGIES: PatchStrategies = {
  "roots": {
    "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration": "api.admissionregistration.v1.MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": "api.admissionregistration.v1.ValidatingAdmissionPolicy",
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": "api.admissionregistration.v1.ValidatingAdmissionPolicyBinding",
    "admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration": "api.admissionregistration.v1.ValidatingWebhookConfiguration",
    "apiextensions.k8s.io/v1/CustomResourceDefinition": "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
    "apiregistration.k8s.io/v1/APIService": "kube-aggregator.pkg.apis.apiregistration.v1.APIService",
    "apps/v1/ControllerRevision": "api.apps.v1.ControllerRevision",
    "apps/v1/DaemonSet": "api.apps.v1.DaemonSet",
    "apps/v1/Deployment": "api.apps.v1.Deployment",
    "apps/v1/ReplicaSet": "api.apps.v1.ReplicaSet",
    "apps/v1/StatefulSet": "api.apps.v1.StatefulSet",
    "autoscaling/v1/HorizontalPodAutoscaler": "api.autoscaling.v1.HorizontalPodAutoscaler",
    "autoscaling/v2/HorizontalPodAutoscaler": "api.autoscaling.v2.HorizontalPodAutoscaler",
    "batch/v1/CronJob": "api.batch.v1.CronJob",
    "batch/v1/Job": "api.batch.v1.Job",
    "certificates.k8s.io/v1/CertificateSigningRequest": "api.certificates.v1.CertificateSigningRequest",
    "coordination.k8s.io/v1/Lease": "api.coordination.v1.Lease",
    "discovery.k8s.io/v1/EndpointSlice": "api.discovery.v1.EndpointSlice",
    "networking.k8s.io/v1/Ingress": "api.networking.v1.Ingress",
    "networking.k8s.io/v1/IngressClass": "api.networking.v1.IngressClass",
    "networking.k8s.io/v1/NetworkPolicy": "api.networking.v1.NetworkPolicy",
    "node.k8s.io/v1/RuntimeClass": "api.node.v1.RuntimeClass",
    "policy/v1/PodDisruptionBudget": "api.policy.v1.PodDisruptionBudget",
    "rbac.authorization.k8s.io/v1/ClusterRole": "api.rbac.v1.ClusterRole",
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": "api.rbac.v1.ClusterRoleBinding",
    "rbac.authorization.k8s.io/v1/Role": "api.rbac.v1.Role",
    "rbac.authorization.k8s.io/v1/RoleBinding": "api.rbac.v1.RoleBinding",
    "scheduling.k8s.io/v1/PriorityClass": "api.scheduling.v1.PriorityClass",
    "storage.k8s.io/v1/CSIDriver": "api.storage.v1.CSIDriver",
    "storage.k8s.io/v1/StorageClass": "api.storage.v1.StorageClass",
    "storage.k8s.io/v1/VolumeAttachment": "api.storage.v1.VolumeAttachment",
    "v1/ConfigMap": "api.core.v1.ConfigMap",
    "v1/Endpoints": "api.core.v1.Endpoints",
    "v1/Event": "api.core.v1.Event",
    "v1/LimitRange": "api.core.v1.LimitRange",
    "v1/Namespace": "api.core.v1.Namespace",
    "v1/Node": "api.core.v1.Node",
    "v1/PersistentVolume": "api.core.v1.PersistentVolume",
    "v1/PersistentVolumeClaim": "api.core.v1.PersistentVolumeClaim",
    "v1/Pod": "api.core.v1.Pod",
    "v1/PodTemplate": "api.core.v1.PodTemplate",
    "v1/ReplicationController": "api.core.v1.ReplicationController",
    "v1/ResourceQuota": "api.core.v1.ResourceQuota",
    "v1/Secret": "api.core.v1.Secret",
    "v1/Service": "api.core.v1.Service",
    "v1/ServiceAccount": "api.core.v1.ServiceAccount"
  },
  "types": {
    "api.admissionregistration.v1.MutatingWebhook": {
      "matchConditions": {
        "list": "merge",
        "mergeKey": "name"
      }
    },
    "api.admissionregistration.v1.MutatingWebhookConfiguration": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "webhooks": {
        "list": "merge",
        "mergeKey": "name",
        "type": "api.admissionregistration.v1.MutatingWebhook"
      }
    },
    "api.admissionregistration.v1.ValidatingAdmissionPolicy": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.admissionregistration.v1.ValidatingAdmissionPolicySpec"
      }
    },
    "api.admissionregistration.v1.ValidatingAdmissionPolicyBinding": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.admissionregistration.v1.ValidatingAdmissionPolicySpec": {
      "matchConditions": {
        "list": "merge",
        "mergeKey": "name"
      },
      "variables": {
        "list": "merge",
        "mergeKey": "name"
      }
    },
    "api.admissionregistration.v1.ValidatingWebhook": {
      "matchConditions": {
        "list": "merge",
        "mergeKey": "name"
      }
    },
    "api.admissionregistration.v1.ValidatingWebhookConfiguration": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "webhooks": {
        "list": "merge",
        "mergeKey": "name",
        "type": "api.admissionregistration.v1.ValidatingWebhook"
      }
    },
    "api.apps.v1.ControllerRevision": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.apps.v1.DaemonSet": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.apps.v1.DaemonSetSpec"
      },
      "status": {
        "type": "api.apps.v1.DaemonSetStatus"
      }
    },
    "api.apps.v1.DaemonSetSpec": {
      "template": {
        "type": "api.core.v1.PodTemplateSpec"
      }
    },
    "api.apps.v1.DaemonSetStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.apps.v1.Deployment": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.apps.v1.DeploymentSpec"
      },
      "status": {
        "type": "api.apps.v1.DeploymentStatus"
      }
    },
    "api.apps.v1.DeploymentSpec": {
      "template": {
        "type": "api.core.v1.PodTemplateSpec"
      }
    },
    "api.apps.v1.DeploymentStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.apps.v1.ReplicaSet": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.apps.v1.ReplicaSetSpec"
      },
      "status": {
        "type": "api.apps.v1.ReplicaSetStatus"
      }
    },
    "api.apps.v1.ReplicaSetSpec": {
      "template": {
        "type": "api.core.v1.PodTemplateSpec"
      }
    },
    "api.apps.v1.ReplicaSetStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.apps.v1.StatefulSet": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.apps.v1.StatefulSetSpec"
      },
      "status": {
        "type": "api.apps.v1.StatefulSetStatus"
      }
    },
    "api.apps.v1.StatefulSetSpec": {
      "template": {
        "type": "api.core.v1.PodTemplateSpec"
      }
    },
    "api.apps.v1.StatefulSetStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.autoscaling.v1.HorizontalPodAutoscaler": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.autoscaling.v2.HorizontalPodAutoscaler": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "status": {
        "type": "api.autoscaling.v2.HorizontalPodAutoscalerStatus"
      }
    },
    "api.autoscaling.v2.HorizontalPodAutoscalerStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.batch.v1.CronJob": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.batch.v1.CronJobSpec"
      }
    },
    "api.batch.v1.CronJobSpec": {
      "jobTemplate": {
        "type": "api.batch.v1.JobTemplateSpec"
      }
    },
    "api.batch.v1.Job": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.batch.v1.JobSpec"
      },
      "status": {
        "type": "api.batch.v1.JobStatus"
      }
    },
    "api.batch.v1.JobSpec": {
      "template": {
        "type": "api.core.v1.PodTemplateSpec"
      }
    },
    "api.batch.v1.JobStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.batch.v1.JobTemplateSpec": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.batch.v1.JobSpec"
      }
    },
    "api.certificates.v1.CertificateSigningRequest": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.coordination.v1.Lease": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.ConfigMap": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.Container": {
      "env": {
        "list": "merge",
        "mergeKey": "name"
      },
      "ports": {
        "list": "merge",
        "mergeKey": "containerPort"
      },
      "volumeDevices": {
        "list": "merge",
        "mergeKey": "devicePath"
      },
      "volumeMounts": {
        "list": "merge",
        "mergeKey": "mountPath"
      }
    },
    "api.core.v1.Endpoints": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.EphemeralContainer": {
      "env": {
        "list": "merge",
        "mergeKey": "name"
      },
      "ports": {
        "list": "merge",
        "mergeKey": "containerPort"
      },
      "volumeDevices": {
        "list": "merge",
        "mergeKey": "devicePath"
      },
      "volumeMounts": {
        "list": "merge",
        "mergeKey": "mountPath"
      }
    },
    "api.core.v1.EphemeralVolumeSource": {
      "volumeClaimTemplate": {
        "type": "api.core.v1.PersistentVolumeClaimTemplate"
      }
    },
    "api.core.v1.Event": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.LimitRange": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.Namespace": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "status": {
        "type": "api.core.v1.NamespaceStatus"
      }
    },
    "api.core.v1.NamespaceStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.core.v1.Node": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.core.v1.NodeSpec"
      },
      "status": {
        "type": "api.core.v1.NodeStatus"
      }
    },
    "api.core.v1.NodeSpec": {
      "podCIDRs": {
        "list": "merge"
      }
    },
    "api.core.v1.NodeStatus": {
      "addresses": {
        "list": "merge",
        "mergeKey": "type"
      },
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.core.v1.PersistentVolume": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.PersistentVolumeClaim": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "status": {
        "type": "api.core.v1.PersistentVolumeClaimStatus"
      }
    },
    "api.core.v1.PersistentVolumeClaimStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.core.v1.PersistentVolumeClaimTemplate": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.Pod": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.core.v1.PodSpec"
      },
      "status": {
        "type": "api.core.v1.PodStatus"
      }
    },
    "api.core.v1.PodSpec": {
      "containers": {
        "list": "merge",
        "mergeKey": "name",
        "type": "api.core.v1.Container"
      },
      "ephemeralContainers": {
        "list": "merge",
        "mergeKey": "name",
        "type": "api.core.v1.EphemeralContainer"
      },
      "hostAliases": {
        "list": "merge",
        "mergeKey": "ip"
      },
      "imagePullSecrets": {
        "list": "merge",
        "mergeKey": "name"
      },
      "initContainers": {
        "list": "merge",
        "mergeKey": "name",
        "type": "api.core.v1.Container"
      },
      "resourceClaims": {
        "list": "merge",
        "mergeKey": "name"
      },
      "schedulingGates": {
        "list": "merge",
        "mergeKey": "name"
      },
      "topologySpreadConstraints": {
        "list": "merge",
        "mergeKey": "topologyKey"
      },
      "volumes": {
        "list": "merge",
        "mergeKey": "name",
        "type": "api.core.v1.Volume"
      }
    },
    "api.core.v1.PodStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      },
      "hostIPs": {
        "list": "merge",
        "mergeKey": "ip"
      },
      "podIPs": {
        "list": "merge",
        "mergeKey": "ip"
      },
      "resourceClaimStatuses": {
        "list": "merge",
        "mergeKey": "name"
      }
    },
    "api.core.v1.PodTemplate": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "template": {
        "type": "api.core.v1.PodTemplateSpec"
      }
    },
    "api.core.v1.PodTemplateSpec": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.core.v1.PodSpec"
      }
    },
    "api.core.v1.ReplicationController": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.core.v1.ReplicationControllerSpec"
      },
      "status": {
        "type": "api.core.v1.ReplicationControllerStatus"
      }
    },
    "api.core.v1.ReplicationControllerSpec": {
      "template": {
        "type": "api.core.v1.PodTemplateSpec"
      }
    },
    "api.core.v1.ReplicationControllerStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.core.v1.ResourceQuota": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.Secret": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.core.v1.Service": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "spec": {
        "type": "api.core.v1.ServiceSpec"
      },
      "status": {
        "type": "api.core.v1.ServiceStatus"
      }
    },
    "api.core.v1.ServiceAccount": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "secrets": {
        "list": "merge",
        "mergeKey": "name"
      }
    },
    "api.core.v1.ServiceSpec": {
      "ports": {
        "list": "merge",
        "mergeKey": "port"
      }
    },
    "api.core.v1.ServiceStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.core.v1.Volume": {
      "ephemeral": {
        "type": "api.core.v1.EphemeralVolumeSource"
      }
    },
    "api.discovery.v1.EndpointSlice": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.networking.v1.Ingress": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.networking.v1.IngressClass": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.networking.v1.NetworkPolicy": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.node.v1.RuntimeClass": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.policy.v1.PodDisruptionBudget": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "status": {
        "type": "api.policy.v1.PodDisruptionBudgetStatus"
      }
    },
    "api.policy.v1.PodDisruptionBudgetStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    },
    "api.rbac.v1.ClusterRole": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.rbac.v1.ClusterRoleBinding": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.rbac.v1.Role": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.rbac.v1.RoleBinding": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.scheduling.v1.PriorityClass": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.storage.v1.CSIDriver": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.storage.v1.StorageClass": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "api.storage.v1.VolumeAttachment": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      }
    },
    "apimachinery.pkg.apis.meta.v1.ObjectMeta": {
      "finalizers": {
        "list": "merge"
      },
      "ownerReferences": {
        "list": "merge",
        "mergeKey": "uid"
      }
    },
    "kube-aggregator.pkg.apis.apiregistration.v1.APIService": {
      "metadata": {
        "type": "apimachinery.pkg.apis.meta.v1.ObjectMeta"
      },
      "status": {
        "type": "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus"
      }
    },
    "kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus": {
      "conditions": {
        "list": "merge",
        "mergeKey": "type"
      }
    }
  }
};
