/** Value sets of the scenario format, kept free of zod so commands can offer them as flag options cheaply. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const LAYERS = ['platform', 'network', 'os', 'data', 'identity', 'logging'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Layer = (typeof LAYERS)[number];
