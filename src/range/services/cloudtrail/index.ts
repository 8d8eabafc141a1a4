import type { ServiceDefinition } from '../../context.js';
import { deliverEvent } from './delivery.js';
import { getInsightSelectors, putInsightSelectors } from './handlers/insights.js';
import { getTrailStatus, startLogging, stopLogging } from './handlers/logging.js';
import { lookupEvents } from './handlers/lookup.js';
import { getEventSelectors, putEventSelectors } from './handlers/selectors.js';
import { addTags, listTags, removeTags } from './handlers/tags.js';
import {
  createTrail,
  deleteTrail,
  describeTrails,
  getTrail,
  listTrails,
  updateTrail,
} from './handlers/trails.js';

export const cloudTrailService: ServiceDefinition = {
  name: 'cloudtrail',
  eventSource: 'cloudtrail.amazonaws.com',
  handlers: {
    CreateTrail: createTrail,
    UpdateTrail: updateTrail,
    DeleteTrail: deleteTrail,
    DescribeTrails: describeTrails,
    GetTrail: getTrail,
    ListTrails: listTrails,
    GetTrailStatus: getTrailStatus,
    StartLogging: startLogging,
    StopLogging: stopLogging,
    PutEventSelectors: putEventSelectors,
    GetEventSelectors: getEventSelectors,
    PutInsightSelectors: putInsightSelectors,
    GetInsightSelectors: getInsightSelectors,
    AddTags: addTags,
    RemoveTags: removeTags,
    ListTags: listTags,
    LookupEvents: lookupEvents,
  },
  onEvent: deliverEvent,
};
