import { runCases } from './cases.js';
import { CONDITION_CASES } from './conditions.cases.js';

describe('range policy evaluator: conditions and policy variables', () => runCases(CONDITION_CASES));
