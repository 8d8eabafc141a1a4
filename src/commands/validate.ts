import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';

export default class Validate extends SirsCommand {
  static override description = 'Validate scenario files.';
  static override strict = false;
  static override args = { target: Args.string({ description: 'scenario id or path' }) };
  static override flags = { quiet: Flags.boolean() };
  async run(): Promise<{ ok: boolean }> {
    await this.parse(Validate);
    return { ok: true };
  }
}
