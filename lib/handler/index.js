// @ts-check
'use strict';
// Custom resource for Bedrock model invocation logging: one setting per account and Region.
// Inlined verbatim into the template (no assets), so it needs only Node built-ins and the
// AWS SDK v3 that the Lambda Node.js runtime ships. It answers CloudFormation itself (no cfn-response).

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

/** Canonical form for comparisons (absent flags are false, absent prefixes ''); null if nothing is configured. @param {any} c */
function canon(c) {
  if (!c || !c.s3Config && !c.cloudWatchConfig) return null;
  const s3 = (/** @type {any} */ s) => s && s.bucketName ? [s.bucketName, s.keyPrefix || ''] : null;
  const cw = c.cloudWatchConfig;
  /** @type {any} */
  const o = { s3Config: s3(c.s3Config), cloudWatchConfig: cw ? [cw.logGroupName, cw.roleArn, s3(cw.largeDataDeliveryS3Config)] : null };
  for (const f of FLAGS) o[f] = c[f] === true;
  return o;
}
const same = (/** @type {any} */ a, /** @type {any} */ b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
/** Fields the service did not keep as asked. @param {any} want @param {any} got */
function dropped(want, got) {
  const w = canon(want) || {}, g = canon(got) || {};
  return Object.keys(w).filter((k) => JSON.stringify(w[k]) !== JSON.stringify(g[k]));
}

/** @type {any} */ let bedrock;
/** @type {any} */ let ssm;
/** @type {string | undefined} */ let lastRaw;
function clients() {
  if (bedrock) return;
  bedrock = new (require('@aws-sdk/client-bedrock').BedrockClient)({ maxAttempts: 1 }); // our retry decides
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
      lastRaw = Buffer.concat(chunks).toString('utf8');
      out.response.body = require('stream').Readable.from([Buffer.from(lastRaw)]);
    }
    return out;
  }, { step: 'deserialize', priority: 'low', name: 'bilRawGet' });
  ssm = new (require('@aws-sdk/client-ssm').SSMClient)({});
}

/** Sends one command; an error carries the IAM action, for the hint. @param {string} action @param {any} input */
async function call(action, input = {}) {
  const [svc, op] = action.split(':');
  try {
    return await (svc === 'ssm' ? ssm : bedrock).send(new (require(`@aws-sdk/client-${svc}`)[op + 'Command'])(input));
  } catch (e) {
    if (e && typeof e === 'object') /** @type {any} */ (e).action = action;
    throw e;
  }
}
const getConfig = async () => {
  lastRaw = undefined;
  const out = await call('bedrock:GetModelInvocationLoggingConfiguration');
  let raw;
  try { raw = lastRaw && JSON.parse(lastRaw).loggingConfig; } catch { raw = undefined; }
  const cfg = raw || out.loggingConfig;
  return canon(cfg) ? cfg : null;
};
const putConfig = (/** @type {any} */ cfg) => call('bedrock:' + PUT, { loggingConfig: cfg });
const deleteConfig = () => call('bedrock:DeleteModelInvocationLoggingConfiguration');
const notFound = (/** @type {any} */ e) => { if (!e || e.name !== 'ParameterNotFound') throw e; };
const readState = (/** @type {string} */ Name) => call('ssm:GetParameter', { Name }).then((o) => JSON.parse(o.Parameter.Value), notFound);
const writeState = (/** @type {string} */ Name, /** @type {any} */ state) => call('ssm:PutParameter', {
  Name, Type: 'String', Overwrite: true, Value: JSON.stringify(state),
  Description: 'Bedrock model invocation logging before cdk-bedrock-invocation-logging set it; restored on stack delete',
});
const deleteState = (/** @type {string} */ Name) => call('ssm:DeleteParameter', { Name }).catch(notFound);

const status = (/** @type {any} */ e) => (e && e.$metadata && e.$metadata.httpStatusCode) || 0;
const isPropagation = (/** @type {any} */ e) => e && e.name === 'ValidationException' && /Failed to validate permissions/i.test(e.message);
const isUnresolvable = (/** @type {any} */ e) => e && (e.code === 'ENOTFOUND' || /ENOTFOUND/.test(String(e.message)));
const isTransient = (/** @type {any} */ e) => !!e && (isPropagation(e) || status(e) === 429 || status(e) >= 500 ||
  /Throttl|TooManyRequests|InternalServer|ServiceUnavailable|TimeoutError/.test(e.name) ||
  ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(e.code));

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** Retries transient errors with exponential backoff and full jitter until the deadline. */
async function retry(/** @type {() => Promise<any>} */ fn, /** @type {number} */ deadline) {
  for (let n = 1; ; n++) {
    try { return await fn(); } catch (err) {
      const e = /** @type {any} */ (err instanceof Error ? err : new Error(String(err)));
      const wait = Math.random() * RETRY_BASE_MS * 2 ** Math.min(n - 1, 4);
      if (!isTransient(e) || Date.now() + wait > deadline) throw Object.assign(e, { attempts: n });
      console.log(`retrying after ${e.name}: ${e.message}`);
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
    return `${m}. The custom resource role was denied ${e.action || 'an action'}: it needs bedrock:Put/Get/DeleteModelInvocationLoggingConfiguration, iam:PassRole on the CloudWatch role and ssm:GetParameter/PutParameter/DeleteParameter on its state parameter; check SCPs and permission boundaries too.`;
  }
  return m;
}

/** PUTs the response to the pre-signed ResponseURL, retrying a few times. @param {string} url @param {string} body */
async function send(url, body) {
  for (let n = 1; n <= 4; n++) {
    try {
      const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' }, signal: AbortSignal.timeout(10000) });
      if (res.ok) return;
      throw new Error(`HTTP ${res.status}`);
    } catch (e) {
      console.log(`response PUT attempt ${n} failed: ${/** @type {any} */ (e).message}`);
      if (n < 4) await sleep(250 * 2 ** n);
    }
  }
  console.log('giving up sending the response; CloudFormation will time out after serviceTimeout');
}

/**
 * The work; returns [reason, physicalId, data]. While a failed Create may have left its configuration
 * in the account, ctl.failId is the stable id, so that CloudFormation's rollback Delete cleans up.
 * @param {any} event @param {number} deadline @param {{failId?: string, late?: boolean}} ctl
 */
async function run(event, deadline, ctl) {
  const [, , , region, account] = String(event.StackId).split(':');
  const stable = `bedrock-invocation-logging-${account}-${region}`;
  const owner = `${event.StackId}/${event.LogicalResourceId}`;
  const type = event.RequestType;
  const id = type === 'Delete' ? event.PhysicalResourceId : stable;
  if (type === 'Delete' && !String(id).startsWith(stable)) return ['Nothing to delete: this resource was never created.', id];
  const want = desiredConfig(event.ResourceProperties || {});
  clients();
  const r = (/** @type {() => Promise<any>} */ fn) => retry(() => {
    if (ctl.late) throw new Error('timed out; not starting another call');
    return fn();
  }, deadline);
  let current;
  try { current = await r(getConfig); } catch (e) {
    if (!isUnresolvable(e) || !(type === 'Delete' || want.skipUnsupported)) throw e;
    return [`Skipped: Amazon Bedrock is not available in ${region}; nothing was configured.`, id, { Skipped: 'true' }];
  }
  // The SSM record: which resource owns the setting, and what was configured before it took it.
  const state = await readState(want.param);
  const mine = !state || state.owner === owner;

  if (type === 'Delete') {
    let msg;
    if (!mine) return ['Left the logging configuration alone: another stack has taken it over.', id];
    if (want.onDelete === 'RETAIN') msg = 'onDelete RETAIN: left the logging configuration in place.';
    else if (!current) msg = 'Nothing to delete: logging is not configured.';
    else if (!same(current, want.cfg)) msg = 'Left the logging configuration alone: someone changed it after this stack set it.';
    else if (want.onDelete === 'RESTORE' && state && state.previous) {
      try {
        await r(() => putConfig(state.previous));
        msg = 'Restored the logging configuration that was in place before this stack.';
      } catch (e) {
        // Best effort: a failed Delete would strand the stack, and logging still flows to the retained bucket.
        msg = `Could not restore the previous configuration (${explain(e, region)}); left this stack's configuration in place.`;
      }
    } else {
      await r(deleteConfig);
      msg = want.onDelete === 'RESTORE' && !state ? 'Deleted the logging configuration (no record of a previous one).' : 'Deleted the logging configuration.';
    }
    if (state) await deleteState(want.param);
    return [msg, id];
  }

  let msg;
  if (type === 'Create') {
    if (current && want.failIfConfigured && !same(current, want.cfg)) {
      throw new InputError(`Model invocation logging is already configured in ${account}/${region} (bucket ${current.s3Config ? current.s3Config.bucketName : 'none'}) and failIfAlreadyConfigured is set. Remove that configuration or unset the option to adopt it.`);
    }
    msg = !current ? 'Configured model invocation logging.' : want.onDelete === 'RESTORE'
      ? 'Replaced the existing logging configuration; it will be put back when this stack is deleted (onDelete RESTORE).'
      : `Replaced the existing logging configuration (onDelete ${want.onDelete}: it will not be put back).`;
  } else {
    if (same(current, want.cfg)) return ['No change: the logging configuration already matches.', id];
    const old = (() => { try { return desiredConfig(event.OldResourceProperties).cfg; } catch { return null; } })();
    msg = current && !same(current, old) ? 'Updated; note: replaced a configuration someone else had set since the last deployment.' : 'Updated the logging configuration.';
  }
  // Keep our own record (it knows what was there before us) unless a Create finds the account not as we left it.
  const write = !state || !mine || (type === 'Create' && !same(current, want.cfg));
  if (write) await writeState(want.param, { owner, previous: current });
  let putDone = false;
  try {
    if (type === 'Create') ctl.failId = id;
    await r(() => putConfig(want.cfg));
    putDone = true;
    const lost = dropped(want.cfg, await r(getConfig));
    if (lost.length) {
      throw new InputError(`Bedrock did not keep ${lost.join(', ')} as requested (runtime @aws-sdk/client-bedrock ${(() => { try { return require('@aws-sdk/client-bedrock/package.json').version; } catch { return '?'; } })()}). The Region or the runtime's SDK may not support it yet: set it to false or choose another runtime.`);
    }
  } catch (e) {
    // A failed Create undoes what it did: CloudFormation's Delete of a never-created resource does nothing.
    if (type === 'Create') {
      try {
        if (putDone) await (current ? putConfig(current) : deleteConfig());
        if (write) await (state ? writeState(want.param, state) : deleteState(want.param));
        ctl.failId = undefined;
      } catch (e2) { console.log('rollback failed', e2); }
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
  /** @type {{failId?: string, late?: boolean}} */ const ctl = {};
  /** @param {string} Status @param {string} Reason @param {string} [id] @param {any} [Data] */
  const respond = async (Status, Reason, id, Data) => {
    if (done) return;
    done = true;
    console.log(`${Status}: ${Reason}`);
    // CloudFormation accepts at most 4096 bytes: shorten the text until the body fits.
    for (let n = 1500; ; n -= 300) {
      const text = Buffer.from(String(Reason)).subarray(0, Math.max(n, 100)).toString();
      const body = JSON.stringify({
        Status, Reason: text, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
        PhysicalResourceId: id || event.PhysicalResourceId || `create-failed-${event.RequestId}`, Data: { ...Data, Message: text },
      });
      if (Buffer.byteLength(body) <= 4096 || n <= 100) return send(event.ResponseURL, body);
    }
  };
  const remaining = context && typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 300000;
  const deadline = Date.now() + Math.min(RETRY_BUDGET_MS, remaining - 2 * TIMEOUT_MARGIN_MS);
  /** @type {any} */ let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => {
      ctl.late = true;
      resolve(respond('FAILED', 'Timed out before the Lambda function limit; see its CloudWatch logs.', ctl.failId));
    }, Math.max(0, remaining - TIMEOUT_MARGIN_MS));
  });
  const work = (async () => {
    try {
      if (!['Create', 'Update', 'Delete'].includes(event.RequestType)) throw new InputError(`unknown RequestType ${JSON.stringify(event.RequestType)}`);
      const [reason, id, data] = await run(event, deadline, ctl);
      await respond('SUCCESS', reason, id, data);
    } catch (e) {
      const err = /** @type {any} */ (e instanceof Error ? e : new Error(String(e)));
      await respond('FAILED', err instanceof InputError ? err.message : explain(err, String(event.StackId).split(':')[3]), ctl.failId);
    }
  })();
  try { await Promise.race([work, timeout]); } finally { clearTimeout(timer); }
};
exports.PROPS = PROPS;
exports.FLAGS = FLAGS;
