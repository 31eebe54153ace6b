// @ts-check
'use strict';
// Custom resource for Bedrock model invocation logging: one setting per account and Region.
// Inlined verbatim into the template (no assets), so it needs only Node built-ins and the
// AWS SDK v3 that the Lambda Node.js runtime ships. It answers CloudFormation itself (no cfn-response).
const http = require('http');
const https = require('https');

/** Resource property names; the construct (logging-configuration.ts) reads them from here. */
const PROPS = {
  bucketName: 'BucketName', keyPrefix: 'KeyPrefix', logGroupName: 'LogGroupName', roleArn: 'RoleArn',
  onDelete: 'OnDelete', failIfAlreadyConfigured: 'FailIfAlreadyConfigured',
  skipUnsupportedRegions: 'SkipUnsupportedRegions', stateParameterName: 'StateParameterName',
};
const FLAGS = ['textDataDeliveryEnabled', 'imageDataDeliveryEnabled', 'embeddingDataDeliveryEnabled',
  'videoDataDeliveryEnabled', 'audioDataDeliveryEnabled'];
const ON_DELETE = ['RESTORE', 'DELETE', 'RETAIN'];
const PUT = 'PutModelInvocationLoggingConfiguration';
const env = (/** @type {string} */ k, /** @type {number} */ d) => Number(process.env[k] || d);
// Bounded retry (IAM propagation, throttling, 5xx); env overrides exist for tests only.
const RETRY_BUDGET_MS = env('RETRY_BUDGET_MS', 120000);
const RETRY_BASE_MS = env('RETRY_BASE_MS', 1000);
const TIMEOUT_MARGIN_MS = env('TIMEOUT_MARGIN_MS', 5000);

class InputError extends Error {}

/** @param {any} props */
function desiredConfig(props) {
  const str = (/** @type {string} */ k) => {
    const v = props[k];
    if (typeof v !== 'string' || !v) throw new InputError(`${k} must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  };
  const bool = (/** @type {string} */ k, /** @type {boolean} */ d) => {
    const v = props[k];
    if (v === undefined) return d;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw new InputError(`${k} must be "true" or "false", got ${JSON.stringify(v)}`);
  };
  const s3 = { bucketName: str(PROPS.bucketName), keyPrefix: props[PROPS.keyPrefix] || undefined };
  /** @type {any} */
  const cfg = { s3Config: s3 };
  if (props[PROPS.logGroupName] || props[PROPS.roleArn]) {
    cfg.cloudWatchConfig = { logGroupName: str(PROPS.logGroupName), roleArn: str(PROPS.roleArn), largeDataDeliveryS3Config: s3 };
  }
  for (const f of FLAGS) cfg[f] = bool(f[0].toUpperCase() + f.slice(1), true);
  if (!FLAGS.some((f) => cfg[f])) throw new InputError('at least one *DataDeliveryEnabled flag must be "true"');
  const onDelete = props[PROPS.onDelete] || 'RESTORE';
  if (!ON_DELETE.includes(onDelete)) throw new InputError(`${PROPS.onDelete} must be one of ${ON_DELETE.join(', ')}, got ${JSON.stringify(onDelete)}`);
  return {
    cfg, onDelete,
    failIfConfigured: bool(PROPS.failIfAlreadyConfigured, false),
    skipUnsupported: bool(PROPS.skipUnsupportedRegions, false),
    param: str(PROPS.stateParameterName),
  };
}

/** Canonical form for comparisons: absent flags are false, absent prefixes are ''. @param {any} c */
function canon(c) {
  if (!c || !c.s3Config && !c.cloudWatchConfig) return null;
  const s3 = (/** @type {any} */ s) => s && s.bucketName ? { b: s.bucketName, p: s.keyPrefix || '' } : null;
  const cw = c.cloudWatchConfig;
  return {
    s3: s3(c.s3Config),
    cw: cw ? { g: cw.logGroupName, r: cw.roleArn, l: s3(cw.largeDataDeliveryS3Config) } : null,
    f: FLAGS.map((f) => c[f] === true),
  };
}
const same = (/** @type {any} */ a, /** @type {any} */ b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

/** Fields the service did not keep as asked. @param {any} want @param {any} got */
function dropped(want, got) {
  const w = canon(want), g = canon(got) || { s3: null, cw: null, f: [] };
  const out = [];
  if (JSON.stringify(w && w.s3) !== JSON.stringify(g.s3)) out.push('s3Config');
  if (JSON.stringify(w && w.cw) !== JSON.stringify(g.cw)) out.push('cloudWatchConfig');
  FLAGS.forEach((f, i) => { if (w && w.f[i] !== g.f[i]) out.push(f); });
  return out;
}

/** @type {any} */ let bedrock;
/** @type {any} */ let ssm;
/** @type {any} */ let sdk;
function clients() {
  if (bedrock) return;
  sdk = require('@aws-sdk/client-bedrock');
  // Our own bounded retry decides; the SDK makes one attempt per call.
  bedrock = new sdk.BedrockClient({ maxAttempts: 1 });
  // Send the body we built, so a runtime SDK that does not know a newer flag cannot drop it...
  bedrock.middlewareStack.add((/** @type {any} */ next, /** @type {any} */ ctx) => async (/** @type {any} */ args) => {
    if (ctx.commandName === PUT + 'Command') args.request.body = JSON.stringify({ loggingConfig: args.input.loggingConfig });
    return next(args);
  }, { step: 'build', priority: 'high', name: 'bilRawBody' });
  // ...and read the raw answer of Get, so an older SDK cannot hide a field the service kept.
  bedrock.middlewareStack.add((/** @type {any} */ next) => async (/** @type {any} */ args) => {
    const out = await next(args);
    const body = out.response && out.response.body;
    if (body && typeof body.on === 'function') {
      const chunks = [];
      for await (const c of body) chunks.push(Buffer.from(c));
      const buf = Buffer.concat(chunks);
      lastRaw = buf.toString('utf8');
      out.response.body = require('stream').Readable.from([buf]);
    }
    return out;
  }, { step: 'deserialize', priority: 'low', name: 'bilRawGet' });
  ssm = new (require('@aws-sdk/client-ssm').SSMClient)({});
}
/** @type {string | undefined} */ let lastRaw;
function sdkVersion() {
  try { return require('@aws-sdk/client-bedrock/package.json').version; } catch { return 'unknown'; }
}

const getConfig = async () => {
  lastRaw = undefined;
  const out = await bedrock.send(new sdk.GetModelInvocationLoggingConfigurationCommand({}));
  let raw;
  try { raw = lastRaw && JSON.parse(lastRaw).loggingConfig; } catch { raw = undefined; }
  return canon(raw || out.loggingConfig) ? (raw || out.loggingConfig) : null;
};
const putConfig = (/** @type {any} */ cfg) => bedrock.send(new sdk.PutModelInvocationLoggingConfigurationCommand({ loggingConfig: cfg }));
const deleteConfig = () => bedrock.send(new sdk.DeleteModelInvocationLoggingConfigurationCommand({}));

async function readState(/** @type {string} */ name) {
  try {
    const out = await ssm.send(new (require('@aws-sdk/client-ssm').GetParameterCommand)({ Name: name }));
    return JSON.parse(out.Parameter.Value);
  } catch (e) {
    if (/** @type {any} */ (e).name === 'ParameterNotFound') return undefined;
    throw e;
  }
}
const writeState = (/** @type {string} */ name, /** @type {any} */ state) => ssm.send(new (require('@aws-sdk/client-ssm').PutParameterCommand)({
  Name: name, Type: 'String', Overwrite: true, Value: JSON.stringify(state),
  Description: 'Bedrock model invocation logging before cdk-bedrock-invocation-logging set it; restored on stack delete',
}));
async function deleteState(/** @type {string} */ name) {
  try { await ssm.send(new (require('@aws-sdk/client-ssm').DeleteParameterCommand)({ Name: name })); } catch (e) {
    if (/** @type {any} */ (e).name !== 'ParameterNotFound') throw e;
  }
}

const status = (/** @type {any} */ e) => (e && e.$metadata && e.$metadata.httpStatusCode) || 0;
const isPropagation = (/** @type {any} */ e) => e && e.name === 'ValidationException' && /Failed to validate permissions/i.test(e.message);
const isUnresolvable = (/** @type {any} */ e) => e && (e.code === 'ENOTFOUND' || /ENOTFOUND/.test(String(e.message)));
const isTransient = (/** @type {any} */ e) => !!e && (isPropagation(e) || status(e) === 429 || status(e) >= 500 ||
  /Throttl|TooManyRequests|InternalServer|ServiceUnavailable|TimeoutError/.test(e.name) ||
  ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(e.code));

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** Retries transient errors with exponential backoff and full jitter until the deadline. */
async function retry(/** @type {() => Promise<any>} */ fn, /** @type {number} */ deadline) {
  for (let n = 0; ; n++) {
    try { return await fn(); } catch (e) {
      const wait = Math.random() * Math.min(RETRY_BASE_MS * 16, RETRY_BASE_MS * 2 ** n);
      if (!isTransient(e) || Date.now() + wait > deadline) { /** @type {any} */ (e).attempts = n + 1; throw e; }
      console.log(`retrying after ${/** @type {any} */ (e).name}: ${/** @type {any} */ (e).message}`);
      await sleep(wait);
    }
  }
}

/** A message that says what to check. @param {any} e @param {string} region */
function explain(e, region) {
  const m = `${e.name || 'Error'}: ${e.message}${e.attempts > 1 ? ` (after ${e.attempts} attempts)` : ''}`;
  if (isUnresolvable(e)) return `Amazon Bedrock is not available in ${region} (its endpoint does not resolve). Remove this Region, or set skipUnsupportedRegions. ${m}`;
  if (isPropagation(e)) return `${m}. Check that the bucket policy lets bedrock.amazonaws.com s3:PutObject under PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/ with aws:SourceAccount and aws:SourceArn, that a KMS key policy allows kms:GenerateDataKey to bedrock.amazonaws.com, and that the CloudWatch role trusts bedrock.amazonaws.com and may write the log group.`;
  if (/AccessDenied/.test(e.name) || status(e) === 403) {
    return `${m}. The custom resource role needs bedrock:${PUT}, bedrock:GetModelInvocationLoggingConfiguration, bedrock:DeleteModelInvocationLoggingConfiguration, iam:PassRole on the CloudWatch role and ssm:GetParameter/PutParameter/DeleteParameter on its state parameter; check SCPs and permission boundaries too.`;
  }
  return m;
}

/** PUTs the response to the pre-signed ResponseURL, retrying a few times. @param {string} url @param {any} body */
async function send(url, body) {
  const data = JSON.stringify(body);
  for (let n = 1; n <= 4; n++) {
    try {
      await new Promise((resolve, reject) => {
        const u = new URL(url);
        const req = (u.protocol === 'http:' ? http : https).request(u, {
          method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(data) }, timeout: 10000,
        }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve(null) : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(data);
      });
      return;
    } catch (e) {
      console.log(`response PUT attempt ${n} failed: ${/** @type {any} */ (e).message}`);
      if (n < 4) await sleep(250 * 2 ** n);
    }
  }
  console.log('giving up sending the response; CloudFormation will time out after serviceTimeout');
}

/** The work; returns [reason, physicalId, data]. @param {any} event @param {number} deadline */
async function run(event, deadline) {
  const arn = String(event.StackId).split(':');
  const region = arn[3], account = arn[4];
  const stable = `bedrock-invocation-logging-${account}-${region}`;
  const owner = `${event.StackId}/${event.LogicalResourceId}`;
  const type = event.RequestType;
  if (type === 'Delete' && !String(event.PhysicalResourceId).startsWith(stable)) {
    return ['Nothing to delete: this resource was never created.', event.PhysicalResourceId];
  }
  const want = desiredConfig(event.ResourceProperties);
  clients();
  const r = (/** @type {() => Promise<any>} */ fn) => retry(fn, deadline);
  let current;
  try { current = await r(getConfig); } catch (e) {
    if (!isUnresolvable(e)) throw e;
    const msg = `Skipped: Amazon Bedrock is not available in ${region}; nothing was configured.`;
    if (type === 'Delete') return [msg, event.PhysicalResourceId];
    if (want.skipUnsupported) return [msg, stable, { Skipped: 'true' }];
    throw e;
  }

  if (type === 'Delete') {
    const id = event.PhysicalResourceId;
    if (want.onDelete === 'RETAIN') return ['onDelete RETAIN: left the logging configuration in place.', id];
    if (!current) return ['Nothing to delete: logging is not configured.', id];
    if (!same(current, want.cfg)) return ['Left the logging configuration alone: someone changed it after this stack set it.', id];
    const state = await readState(want.param);
    if (state && state.owner !== owner) return ['Left the logging configuration alone: another stack has taken it over.', id];
    let msg;
    if (want.onDelete === 'RESTORE' && state && state.previous) {
      try {
        await r(() => putConfig(state.previous));
        msg = 'Restored the logging configuration that was in place before this stack.';
      } catch (e) {
        // Restoring is best effort: a failed Delete would strand the stack, and logging still flows to the retained bucket.
        return [`Could not restore the previous configuration (${explain(e, region)}); left this stack's configuration in place.`, id];
      }
    } else {
      await r(deleteConfig);
      msg = want.onDelete === 'RESTORE' && !state ? 'Deleted the logging configuration (no record of a previous one).' : 'Deleted the logging configuration.';
    }
    await deleteState(want.param);
    return [msg, id];
  }

  const id = stable;
  let msg;
  if (type === 'Create') {
    if (current && want.failIfConfigured && !same(current, want.cfg)) {
      throw new InputError(`Model invocation logging is already configured in ${account}/${region} (bucket ${current.s3Config ? current.s3Config.bucketName : 'none'}) and failIfAlreadyConfigured is set. Remove that configuration or unset the option to adopt it.`);
    }
    const state = await readState(want.param);
    if (!state || state.owner !== owner) await writeState(want.param, { owner, previous: current });
    msg = current ? 'Replaced the existing logging configuration; it will be put back when this stack is deleted (onDelete RESTORE).' : 'Configured model invocation logging.';
    if (current && want.onDelete !== 'RESTORE') msg = `Replaced the existing logging configuration (onDelete ${want.onDelete}: it will not be put back).`;
  } else {
    if (same(current, want.cfg)) return ['No change: the logging configuration already matches.', id];
    // A Create skipped in a Region without Bedrock wrote no record yet.
    if (!(await readState(want.param))) await writeState(want.param, { owner, previous: current });
    const old = (() => { try { return desiredConfig(event.OldResourceProperties).cfg; } catch { return null; } })();
    msg = current && !same(current, old) ? 'Updated; note: replaced a configuration someone else had set since the last deployment.' : 'Updated the logging configuration.';
  }
  let putDone = false;
  try {
    await r(() => putConfig(want.cfg));
    putDone = true;
    const got = await r(getConfig);
    const lost = dropped(want.cfg, got);
    if (lost.length) {
      throw new InputError(`Bedrock did not keep ${lost.join(', ')} as requested (runtime @aws-sdk/client-bedrock ${sdkVersion()}). The Region or the runtime's SDK may not support it yet: set it to false or choose another runtime.`);
    }
  } catch (e) {
    // A failed Create must not leave our configuration behind: the rollback Delete will not touch it.
    if (putDone && type === 'Create') {
      try { await (current ? putConfig(current) : deleteConfig()); } catch (e2) { console.log('rollback failed', e2); }
    }
    throw e;
  }
  return [msg, id];
}

/** Lambda entry point: answers CloudFormation exactly once on every path. @param {any} event @param {any} context */
exports.handler = async (event, context) => {
  console.log(JSON.stringify({ ...event, ResponseURL: '(redacted)' }));
  if (!event || typeof event.ResponseURL !== 'string') { console.log('not a CloudFormation custom resource event'); return; }
  let done = false;
  /** @param {string} Status @param {string} Reason @param {string} [id] @param {any} [Data] */
  const respond = async (Status, Reason, id, Data) => {
    if (done) return;
    done = true;
    console.log(`${Status}: ${Reason}`);
    await send(event.ResponseURL, {
      Status, Reason: Reason.slice(0, 3000), StackId: event.StackId, RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: id || event.PhysicalResourceId || `create-failed-${event.RequestId}`,
      Data: { Message: Reason.slice(0, 1000), ...Data },
    });
  };
  const remaining = context && typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 300000;
  const deadline = Date.now() + Math.min(RETRY_BUDGET_MS, remaining - 2 * TIMEOUT_MARGIN_MS);
  /** @type {any} */ let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(respond('FAILED', 'Timed out before the Lambda function limit; see its CloudWatch logs.')), Math.max(0, remaining - TIMEOUT_MARGIN_MS));
  });
  const work = (async () => {
    try {
      if (!['Create', 'Update', 'Delete'].includes(event.RequestType)) throw new InputError(`unknown RequestType ${JSON.stringify(event.RequestType)}`);
      const [reason, id, data] = await run(event, deadline);
      await respond('SUCCESS', reason, id, data);
    } catch (e) {
      const err = /** @type {any} */ (e);
      const region = String(event.StackId).split(':')[3];
      await respond('FAILED', err instanceof InputError ? err.message : explain(err, region),
        event.RequestType === 'Create' ? undefined : event.PhysicalResourceId);
    }
  })();
  try { await Promise.race([work, timeout]); } finally { clearTimeout(timer); }
};
exports.PROPS = PROPS;
exports.FLAGS = FLAGS;
exports.desiredConfig = desiredConfig;
exports.same = same;
