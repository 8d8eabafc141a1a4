import { describeFollowingRunbooks, shippedScenarios } from './follow-runbooks.js';

describeFollowingRunbooks('second half of the library', shippedScenarios(1));
