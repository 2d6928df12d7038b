// The subcommands of `riskgate`, one registration function per file; each loads its implementation lazily to keep start-up fast.
import type { Command } from 'commander';
import { registerDetectMetricsCommand } from './detect-metrics-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerCertsCommand } from './certs-command.js';
import { registerCheckCommand } from './check-command.js';
import { registerAuditCommand } from './audit-command.js';
import { registerSplCommand } from './spl-command.js';
import { registerReplayCommand } from './replay-command.js';
import { registerEventsCommand } from './events-command.js';
import { registerVapCommand } from './vap-command.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerServeCommand, registerCertsCommand, registerCheckCommand, registerAuditCommand, registerSplCommand, registerReplayCommand, registerEventsCommand, registerDetectMetricsCommand, registerVapCommand];
