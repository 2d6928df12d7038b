// The options `serve --manage-certs` reads (commander's camelCase names), shared by its option list and its work.
export interface ManageCertsOptions {
  manageCerts?: boolean;
  service?: string;
  namespace?: string;
  webhookConfig: string;
  secret?: string;
  certValidityDays: number;
  certRenewBeforeDays: number;
  certCheckInterval: number;
}
