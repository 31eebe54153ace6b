/** The log bucket's default encryption and, with SSE-KMS, whether its key's policy lets Bedrock encrypt. */
import { ACCOUNT_ID_PATTERN } from '../../../../lib/shared/facts';
import { BEDROCK_SERVICE_PRINCIPAL, bedrockEncryptStatement } from '../../../../lib/logging/facts';
import { DescribeKeyCommand, GetKeyPolicyCommand, KeyMetadata } from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { isError } from '../errors';
import { allowsForService, coversResource, grantsAction, parsePolicy, PolicyStatement, sourceConditionProblems, statementName } from '../policy';
import { RegionContext, Rows, scopeOf, unreadable } from './common';

export interface Encryption {
  readonly algorithm: string;
  readonly kmsKeyId?: string;
}

export async function checkEncryption(ctx: RegionContext, rows: Rows, bucketName: string): Promise<Encryption | undefined> {
  const fix = `turn on default encryption: aws s3api put-bucket-encryption --bucket ${bucketName} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'`;
  try {
    const result = await ctx.clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucketName, ExpectedBucketOwner: ctx.account }));
    const rule = result.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm);
    const byDefault = rule?.ApplyServerSideEncryptionByDefault;
    if (!byDefault?.SSEAlgorithm) {
      rows.fail('bucket-encryption', 'no default encryption rule', fix);
      return undefined;
    }
    const algorithm = byDefault.SSEAlgorithm;
    if (algorithm === 'AES256') {
      rows.pass('bucket-encryption', 'SSE-S3 (AES256)');
    } else {
      const kind = algorithm === 'aws:kms:dsse' ? 'DSSE-KMS' : 'SSE-KMS';
      rows.pass('bucket-encryption', `${kind} with ${byDefault.KMSMasterKeyID ?? 'the AWS managed key aws/s3'}${rule?.BucketKeyEnabled ? ', S3 Bucket Key on' : ''}`);
    }
    return { algorithm, kmsKeyId: byDefault.KMSMasterKeyID };
  } catch (e) {
    if (isError(e, 'ServerSideEncryptionConfigurationNotFoundError')) {
      rows.fail('bucket-encryption', 'no default encryption configured', fix);
      return undefined;
    }
    unreadable(rows, 'bucket-encryption', 's3:GetEncryptionConfiguration', e);
    return undefined;
  }
}

export async function checkKmsKeyPolicy(ctx: RegionContext, rows: Rows, encryption: Encryption | undefined): Promise<string | undefined> {
  if (!encryption) {
    rows.skip('kms-key-policy', 'default encryption unknown');
    return undefined;
  }
  if (encryption.algorithm === 'AES256') {
    rows.skip('kms-key-policy', 'SSE-S3: no key policy involved');
    return undefined;
  }
  const scope = scopeOf(ctx);
  const expected = JSON.stringify(bedrockEncryptStatement(scope));
  const managedFix = `encrypt the bucket with a customer managed key whose policy has ${expected}, or with SSE-S3`;
  if (!encryption.kmsKeyId) {
    rows.fail('kms-key-policy', 'SSE-KMS with the AWS managed key aws/s3: its policy cannot let Bedrock encrypt', managedFix);
    return undefined;
  }
  let meta: KeyMetadata | undefined;
  try {
    meta = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: encryption.kmsKeyId }))).KeyMetadata;
  } catch (e) {
    if (isError(e, 'NotFoundException')) {
      rows.fail('kms-key-policy', `the bucket's key ${encryption.kmsKeyId} does not exist`, managedFix);
      return undefined;
    }
    unreadable(rows, 'kms-key-policy', `kms:DescribeKey on ${encryption.kmsKeyId}`, e);
    return undefined;
  }
  const keyArn = meta?.Arn ?? encryption.kmsKeyId;
  if (meta?.KeyManager === 'AWS') {
    rows.fail('kms-key-policy', `${keyArn} is an AWS managed key: its policy cannot let Bedrock encrypt`, managedFix);
    return keyArn;
  }
  if (meta?.KeyState && meta.KeyState !== 'Enabled') {
    rows.fail('kms-key-policy', `${keyArn} is ${meta.KeyState}: Bedrock cannot encrypt with it`, `enable the key (or cancel its deletion), or encrypt the bucket with an enabled key`);
    return keyArn;
  }
  const keyAccount = keyArn.split(':')[4];
  if (keyAccount && new RegExp(ACCOUNT_ID_PATTERN).test(keyAccount) && keyAccount !== ctx.account) {
    rows.warn('kms-key-policy', `${keyArn} belongs to account ${keyAccount}: its policy can only be read there`,
      `check in account ${keyAccount} that the key policy has ${expected}`);
    return keyArn;
  }
  let statements: PolicyStatement[];
  try {
    const text = (await ctx.clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy;
    statements = parsePolicy(text ?? '');
  } catch (e) {
    unreadable(rows, 'kms-key-policy', `kms:GetKeyPolicy on ${keyArn}`, e);
    return keyArn;
  }
  const bedrock = allowsForService(statements, BEDROCK_SERVICE_PRINCIPAL);
  const failures: string[] = [];
  for (const st of bedrock) {
    const problems = sourceConditionProblems(st, scope);
    if (problems.length > 0) {
      failures.push(`${statementName(st, statements.indexOf(st))}: ${problems.join(', ')}`);
    }
  }
  const encrypting = bedrock.filter((st) => grantsAction(st, 'kms:GenerateDataKey') && coversResource(st, keyArn));
  if (encrypting.length === 0) {
    failures.unshift(`the key policy of ${keyArn} does not let ${BEDROCK_SERVICE_PRINCIPAL} kms:GenerateDataKey`);
  }
  if (failures.length > 0) {
    rows.fail('kms-key-policy', failures.join('; '), `add this statement to the key policy (and give every ${BEDROCK_SERVICE_PRINCIPAL} statement the same conditions): ${expected}`);
  } else {
    rows.pass('kms-key-policy', `${keyArn}: ${statementName(encrypting[0], statements.indexOf(encrypting[0]))} lets ${BEDROCK_SERVICE_PRINCIPAL} kms:GenerateDataKey with aws:SourceAccount and aws:SourceArn`);
  }
  return keyArn;
}
