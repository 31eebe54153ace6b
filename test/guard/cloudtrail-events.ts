/**
 * CloudTrail events as EventBridge delivers them ("AWS API Call via CloudTrail"), for the detection
 * rule's tests.
 */
import { ACCOUNT, REGION } from '../support/security/resolve';

/** A CloudTrail management event as EventBridge delivers it ("AWS API Call via CloudTrail"). */
export function cloudTrailEvent(eventSource: string, eventName: string, userIdentity: object, requestParameters: object = {}, extra: object = {}): object {
  return {
    'version': '0', 'id': '6a7e8feb-b491-4cf7-a9f1-bf3703467718', 'detail-type': 'AWS API Call via CloudTrail',
    'source': `aws.${eventSource.split('.')[0]}`, 'account': ACCOUNT, 'time': '2026-01-15T10:05:00Z', 'region': REGION, 'resources': [],
    'detail': {
      eventVersion: '1.09', userIdentity, eventTime: '2026-01-15T10:05:00Z', eventSource, eventName, awsRegion: REGION,
      sourceIPAddress: '203.0.113.10', userAgent: 'aws-cli/2.22.0', requestParameters, responseElements: null,
      requestID: 'req-1', eventID: 'evt-1', readOnly: false, eventType: 'AwsApiCall', managementEvent: true,
      recipientAccountId: ACCOUNT, eventCategory: 'Management', ...extra,
    },
  };
}

export const assumedRole = (pathAndName: string) => {
  const name = pathAndName.slice(pathAndName.lastIndexOf('/') + 1);
  return {
    type: 'AssumedRole', principalId: 'AROAEXAMPLE:session', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/session`, accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLE',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/${pathAndName}`, accountId: ACCOUNT, userName: name },
      attributes: { creationDate: '2026-01-15T10:00:00Z', mfaAuthenticated: 'false' },
    },
  };
};
