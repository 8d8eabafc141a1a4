import { describeFollowingRunbooks, shippedScenarios } from './follow-runbooks.js';

describeFollowingRunbooks('first half of the library', shippedScenarios(0));
