// The custom search attributes every case keeps current, so cases can be listed through Temporal visibility.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DISTRICT = defineSearchAttributeKey('HandoverDistrict', SearchAttributeType.KEYWORD);
export const STAGE = defineSearchAttributeKey('HandoverStage', SearchAttributeType.KEYWORD);
export const OVERDUE = defineSearchAttributeKey('HandoverOverdue', SearchAttributeType.BOOL);
export const NEXT_DEADLINE = defineSearchAttributeKey('HandoverNextDeadline', SearchAttributeType.DATETIME);
export const ENTERPRISE_NAME = defineSearchAttributeKey('HandoverEnterpriseName', SearchAttributeType.KEYWORD);

/** Every key, for registering them on a namespace. */
export const HANDOVER_SEARCH_ATTRIBUTES = [DISTRICT, STAGE, OVERDUE, NEXT_DEADLINE, ENTERPRISE_NAME] as const;
