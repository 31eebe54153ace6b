import { Lazy, Token } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import { DEFAULT_KEY_PREFIX, MANAGED_POLICY_ARN_PATTERN, ORGANIZATIONAL_UNIT_ID_PATTERN, REGION_PATTERN } from '../shared/facts';
import { TEMPLATE_PARAMETER_NAMES } from '../stack/facts';
import { DEFAULT_STACK_SET_NAME } from './facts';
import { BedrockInvocationLoggingMemberTemplate, BedrockInvocationLoggingMemberTemplateProps } from './member-template';
import { checkArchiveValues, ErrorCollector, normalizeKeyPrefix, stackSetNameProblems, validateRoleName } from '../shared/validation';
import { StackSetCallAs, StackSetConcurrencyMode, StackSetRegionConcurrency } from './stackset-options';

/**
 * Properties for `BedrockInvocationLoggingStackSet`.
 */
export interface BedrockInvocationLoggingStackSetProps extends BedrockInvocationLoggingMemberTemplateProps {
  /**
   * Organizational units (`ou-xxxx-yyyyyyyy`) or the root (`r-xxxx`) to deploy to. Every account
   * in them, and in their child OUs, gets a stack instance, except the management account.
   */
  readonly organizationalUnitIds: string[];

  /** Regions to deploy to in every account (for example `us-east-1`). */
  readonly regions: string[];

  /**
   * Name of the StackSet.
   * @default 'BedrockInvocationLogging'
   */
  readonly stackSetName?: string;

  /**
   * Description of the StackSet.
   * @default - says what it deploys
   */
  readonly description?: string;

  /**
   * Whether the StackSet is managed from the management account or a delegated administrator.
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Deploy to accounts that join the targeted OUs later, and remove stack instances from accounts
   * that leave them.
   * @default true
   */
  readonly autoDeployment?: boolean;

  /**
   * Keep the stack (bucket, logging) in an account that leaves the targeted OUs, so that its
   * audit logging goes on. Only with `autoDeployment`.
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * Regions one after the other, or all at once.
   * @default StackSetRegionConcurrency.PARALLEL
   */
  readonly regionConcurrency?: StackSetRegionConcurrency;

  /**
   * Order of the Regions with `SEQUENTIAL` (a subset of `regions`).
   * @default - CloudFormation's order
   */
  readonly regionOrder?: string[];

  /**
   * Percentage of the accounts, per Region, deployed at once (rounded down, at least one).
   * @default 25 - unless `maxConcurrentCount` is given
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * Number of accounts, per Region, deployed at once. Instead of `maxConcurrentPercentage`.
   * @default - `maxConcurrentPercentage`
   */
  readonly maxConcurrentCount?: number;

  /**
   * Percentage of the accounts, per Region, that may fail before the operation stops in that
   * Region (rounded down).
   * @default 10 - unless `failureToleranceCount` is given
   */
  readonly failureTolerancePercentage?: number;

  /**
   * Number of accounts, per Region, that may fail before the operation stops in that Region.
   * Instead of `failureTolerancePercentage`.
   * @default - `failureTolerancePercentage`
   */
  readonly failureToleranceCount?: number;

  /**
   * How failures affect concurrency.
   * @default StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE
   */
  readonly concurrencyMode?: StackSetConcurrencyMode;

  /**
   * Let StackSets run non-conflicting operations at once and queue the others.
   * @default true
   */
  readonly managedExecution?: boolean;

  /**
   * Value of the member template's `KeyPrefix` parameter for every account.
   * @default 'bedrock'
   */
  readonly keyPrefix?: string;

  /**
   * Value of the member template's `NopsRoleName` parameter: the nOps integration role's name.
   * Every targeted account must have a role of that name; leave it empty where they do not.
   * @default '' - no grant
   */
  readonly nopsRoleName?: string;

  /**
   * Value of the member template's `NopsGrantRegion` parameter: the one Region whose stack instance
   * grants the nOps role read access to every Region's log bucket of its account, so that the role
   * gets one policy from this library per account. Must be one of `regions`.
   * @default - the first of `regions`
   */
  readonly nopsGrantRegion?: string;

  /**
   * Value of the member template's `CloudWatchLogs` parameter.
   * @default false
   */
  readonly cloudWatchLogs?: boolean;

  /**
   * Value of the member template's `ArchiveBucketName` parameter: the organization's log archive
   * (output `ArchiveBucketName` of `BedrockLogArchiveStack`) that every account replicates its
   * logs into. Deploy the archive first. Needs `archiveAccountId`.
   * @default '' - no replication
   */
  readonly archiveBucketName?: string;

  /**
   * Value of the member template's `ArchiveAccountId` parameter: the account that owns the archive.
   * @default '' - no replication
   */
  readonly archiveAccountId?: string;

  /**
   * Value of the member template's `ArchiveKmsKeyArn` parameter: the archive's KMS key when it uses
   * SSE-KMS (required with `createEncryptionKey`).
   * @default '' - the archive uses SSE-S3
   */
  readonly archiveKmsKeyArn?: string;

  /**
   * Value of the member template's `PermissionsBoundaryArn` parameter: a managed policy that every
   * IAM role of every stack instance gets as permissions boundary, for organizations that require
   * one on every role. One ARN for every account: an AWS managed policy, or a customer managed
   * policy ARN valid where the stack instances run.
   * @default '' - no permissions boundary
   */
  readonly permissionsBoundaryArn?: string;
}

const OU_ID = new RegExp(ORGANIZATIONAL_UNIT_ID_PATTERN);
const REGION = new RegExp(REGION_PATTERN);

/**
 * Rolls `BedrockInvocationLoggingStack` out to every account of some OUs and Regions with a
 * service-managed CloudFormation StackSet, including accounts that join later. Put it in a stack
 * of the management account or of a delegated administrator (`callAs`).
 */
export class BedrockInvocationLoggingStackSet extends Construct {
  /** An organizational unit id (`ou-ab12-cdef3456`) or a root id (`r-ab12`), as StackSets accept them. */
  public static readonly ORGANIZATIONAL_UNIT_ID_PATTERN = ORGANIZATIONAL_UNIT_ID_PATTERN;
  /** A Region name such as `us-east-1` or `us-gov-west-1`. */
  public static readonly REGION_PATTERN = REGION_PATTERN;

  /** The StackSet. */
  public readonly stackSet: CfnStackSet;
  /** The template of the stack instances. */
  public readonly memberTemplate: BedrockInvocationLoggingMemberTemplate;
  /** Name of the StackSet. */
  public readonly stackSetName: string;

  /**
   * @param scope the construct this one is added to (a stack, or a construct in one)
   * @param id its id within `scope`; it is part of the logical id of every resource below it, so
   * changing it replaces those resources
   * @param props its properties
   */
  constructor(scope: Construct, id: string, props: BedrockInvocationLoggingStackSetProps) {
    super(scope, id);
    const errors = new ErrorCollector(`${this.node.path} props`);
    const ouIds = checkList('organizationalUnitIds', props.organizationalUnitIds, OU_ID,
      'an OU id such as "ou-ab12-cdef3456" or the root id such as "r-ab12"', errors);
    const regions = checkList('regions', props.regions, REGION, 'a Region name such as "us-east-1"', errors);
    if (props.regionOrder) {
      checkList('regionOrder', props.regionOrder, REGION, 'a Region name such as "us-east-1"', errors);
      const extra = props.regionOrder.filter((r) => !Token.isUnresolved(r) && !props.regions.includes(r));
      if (extra.length > 0) errors.add(`regionOrder names ${extra.join(', ')}, which ${extra.length > 1 ? 'are' : 'is'} not in regions: list only target Regions`);
    }
    if (props.maxConcurrentPercentage !== undefined && props.maxConcurrentCount !== undefined) {
      errors.add('maxConcurrentPercentage and maxConcurrentCount are both given: CloudFormation takes one of them; drop the other');
    }
    if (props.failureTolerancePercentage !== undefined && props.failureToleranceCount !== undefined) {
      errors.add('failureTolerancePercentage and failureToleranceCount are both given: CloudFormation takes one of them; drop the other');
    }
    checkInteger('maxConcurrentPercentage', props.maxConcurrentPercentage, 1, 100, errors);
    checkInteger('maxConcurrentCount', props.maxConcurrentCount, 1, undefined, errors);
    checkInteger('failureTolerancePercentage', props.failureTolerancePercentage, 0, 100, errors);
    checkInteger('failureToleranceCount', props.failureToleranceCount, 0, undefined, errors);
    const autoDeployment = props.autoDeployment ?? true;
    if (!autoDeployment && props.retainStacksOnAccountRemoval !== undefined) {
      errors.add('retainStacksOnAccountRemoval applies only with autoDeployment: turn autoDeployment on, or drop retainStacksOnAccountRemoval');
    }
    const stackSetName = props.stackSetName ?? DEFAULT_STACK_SET_NAME;
    stackSetNameProblems(stackSetName, 'stackSetName').forEach((p) => errors.add(p));
    const keyPrefix = normalizeKeyPrefix(props.keyPrefix ?? DEFAULT_KEY_PREFIX, 'keyPrefix', errors);
    const nopsRoleName = props.nopsRoleName ?? '';
    if (nopsRoleName !== '') validateRoleName(nopsRoleName, 'nopsRoleName', errors);
    const nopsGrantRegion = props.nopsGrantRegion ?? props.regions[0];
    if (props.nopsGrantRegion !== undefined && !Token.isUnresolved(props.nopsGrantRegion) && !Token.isUnresolved(props.regions)
      && !props.regions.includes(props.nopsGrantRegion)) {
      errors.add(`nopsGrantRegion ${JSON.stringify(props.nopsGrantRegion)} is not one of regions (${props.regions.join(', ')}): name a target Region, or drop nopsGrantRegion (the first of regions grants)`);
    }
    if (props.permissionsBoundaryArn !== undefined && !Token.isUnresolved(props.permissionsBoundaryArn) && !new RegExp(MANAGED_POLICY_ARN_PATTERN).test(props.permissionsBoundaryArn)) {
      errors.add(`permissionsBoundaryArn ${JSON.stringify(props.permissionsBoundaryArn)} is not a managed policy ARN: give one such as arn:aws:iam::123456789012:policy/Boundary`);
    }
    checkArchiveValues({ bucketName: props.archiveBucketName, accountId: props.archiveAccountId, kmsKeyArn: props.archiveKmsKeyArn },
      { bucketName: 'archiveBucketName', accountId: 'archiveAccountId', kmsKeyArn: 'archiveKmsKeyArn' }, props.createEncryptionKey === true, errors);
    errors.throwIfAny();

    this.stackSetName = stackSetName;
    this.memberTemplate = new BedrockInvocationLoggingMemberTemplate(props);
    const usesCounts = props.maxConcurrentCount !== undefined;
    const usesToleranceCount = props.failureToleranceCount !== undefined;
    this.stackSet = new CfnStackSet(this, 'Resource', {
      stackSetName,
      description: props.description ?? 'Amazon Bedrock model invocation logging to S3 in every account and Region, readable by the nOps integration role (cdk-bedrock-invocation-logging)',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? StackSetCallAs.SELF,
      autoDeployment: autoDeployment
        ? { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? true }
        : { enabled: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: props.managedExecution ?? true },
      operationPreferences: {
        regionConcurrencyType: props.regionConcurrency ?? StackSetRegionConcurrency.PARALLEL,
        regionOrder: props.regionOrder,
        maxConcurrentPercentage: usesCounts ? undefined : props.maxConcurrentPercentage ?? 25,
        maxConcurrentCount: props.maxConcurrentCount,
        failureTolerancePercentage: usesToleranceCount ? undefined : props.failureTolerancePercentage ?? 10,
        failureToleranceCount: props.failureToleranceCount,
        concurrencyMode: props.concurrencyMode ?? StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE,
      },
      // Every parameter gets an explicit StackSet-level value, the empty NopsRoleName included:
      // StackSets has refused parameters with an empty default and no value ("must have values").
      parameters: [
        { parameterKey: TEMPLATE_PARAMETER_NAMES.keyPrefix, parameterValue: keyPrefix },
        { parameterKey: TEMPLATE_PARAMETER_NAMES.nopsRoleName, parameterValue: nopsRoleName },
        { parameterKey: TEMPLATE_PARAMETER_NAMES.cloudWatchLogs, parameterValue: String(props.cloudWatchLogs ?? false) },
        { parameterKey: TEMPLATE_PARAMETER_NAMES.nopsGrantRegion, parameterValue: nopsGrantRegion },
        { parameterKey: TEMPLATE_PARAMETER_NAMES.archiveBucketName, parameterValue: props.archiveBucketName ?? '' },
        { parameterKey: TEMPLATE_PARAMETER_NAMES.archiveAccountId, parameterValue: props.archiveAccountId ?? '' },
        { parameterKey: TEMPLATE_PARAMETER_NAMES.archiveKmsKeyArn, parameterValue: props.archiveKmsKeyArn ?? '' },
        { parameterKey: TEMPLATE_PARAMETER_NAMES.permissionsBoundaryArn, parameterValue: props.permissionsBoundaryArn ?? '' },
      ],
      stackInstancesGroup: [{
        deploymentTargets: { organizationalUnitIds: ouIds },
        regions,
      }],
      templateBody: Lazy.string({ produce: () => this.memberTemplate.toJson() }),
    });
  }
}

function checkList(prop: string, values: string[], pattern: RegExp, example: string, errors: ErrorCollector): string[] {
  if (Token.isUnresolved(values)) return values;
  if (values.length === 0) {
    errors.add(`${prop} is empty: give at least one, for example ${example}`);
    return values;
  }
  const seen = new Set<string>();
  for (const v of values) {
    if (Token.isUnresolved(v)) continue;
    if (!pattern.test(v)) errors.add(`${prop} value ${JSON.stringify(v)} is not ${example}`);
    else if (seen.has(v)) errors.add(`${prop} lists ${JSON.stringify(v)} twice: list it once`);
    seen.add(v);
  }
  return values;
}

function checkInteger(prop: string, value: number | undefined, min: number, max: number | undefined, errors: ErrorCollector): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    errors.add(`${prop} ${value} is not a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`);
  }
}
