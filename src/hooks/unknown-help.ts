/**
 * `sirs strat --help` (and `sirs help strat`, which bin/run.js turns into it): oclif answers help for an
 * unknown command before any command_not_found hook runs, with a bare "Command strat not found". This
 * init hook gives it the same did-you-mean and exit code as `sirs strat`.
 */
import type { Hook } from '@oclif/core';
import { reportUnknownCommand } from './command-not-found.js';

const hook: Hook.Init = async function ({ id, argv, config }) {
  if (!id || id.startsWith('-')) return;
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  if (config.findCommand(id) || config.findTopic(id)) return;
  reportUnknownCommand(config, id, argv);
  this.exit(2);
};

export default hook;
