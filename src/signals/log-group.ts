/** CloudWatch Logs groups named by name or ARN, shared by the kinds that check where logs go. */

/**
 * The group name in `arn:aws:logs:<region>:<account>:log-group:<name>` (CloudTrail and CloudFormation add
 * `:*`); a name is returned as it is.
 */
export function logGroupName(nameOrArn: string): string {
  const m = /^arn:aws[\w-]*:logs:[^:]*:\d*:log-group:(.+?)(:\*)?$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}
