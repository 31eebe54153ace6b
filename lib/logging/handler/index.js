// @ts-check
'use strict';
// Custom resource for Bedrock model invocation logging: one setting per account and Region.
// The template inlines this file after lib/logging/handler/inline.ts has removed its comments (whole-line //
// comments and /* */ blocks) and indentation: so write no comment after code on a line, no "/*" in a
// string or regular expression, and no string over several lines. It needs only Node built-ins and the
// AWS SDK v3 of the Lambda Node.js runtime, and answers CloudFormation itself (cfn-response needs
// context.done, which Node.js 24 removed). It acts only on requests CloudFormation itself sent: anyone
// allowed to invoke the function could send an event of their own.

// The five flags, named once; their resource properties are the names capitalised.
const FLAGS = ['text', 'image', 'embedding', 'video', 'audio'].map((f) => f + 'DataDeliveryEnabled');
// The other resource property names; the construct (logging-configuration.ts) reads them from here.
const PROPS = {
  bucketName: 'BucketName', keyPrefix: 'KeyPrefix', logGroupName: 'LogGroupName', roleArn: 'RoleArn',
  onDelete: 'OnDelete', failIfAlreadyConfigured: 'FailIfAlreadyConfigured',
  skipUnsupportedRegions: 'SkipUnsupportedRegions', stateParameterName: 'StateParameterName',
};
const L = 'ModelInvocationLoggingConfiguration';
// The environment variable that holds the function's own stack id (AWS::StackId).
const STACK_VAR = 'STACK_ID';
// The custom resource type; the construct reads it from here. A request naming another resource of the
// stack (which may be in progress during a genuine update) is not this resource's request.
const RESOURCE_TYPE = 'Custom::BedrockModelInvocationLogging';
// How CloudFormation's own requests look from its side. For each request type: the status its resource
// shows while CloudFormation waits for the answer, and the stack statuses in which CloudFormation sends
// that request. Resource and stack are read once, when the invocation starts.
/** @type {Record<string, [string, string[]]>} */
const IN_FLIGHT = {
  Create: ['CREATE_IN_PROGRESS', [
    // the stack's creation; an update that adds the resource or creates its replacement
    'CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS',
    // a Create that starts after its stack began to roll back (a Delete cancels it, see the marker)
    'ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS',
  ]],
  Update: ['UPDATE_IN_PROGRESS', [
    // an update, and its rollback, which updates the resource back to its old properties
    'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS',
  ]],
  Delete: ['DELETE_IN_PROGRESS', [
    // the stack's deletion; the rollback of its creation (a Delete that cancels a Create included)
    'DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS',
    // a replaced or removed resource after an update; one an update added or replaced, after its rollback
    'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    // a Delete that cancels the Create of a failed update: when it comes is not documented
    'UPDATE_ROLLBACK_IN_PROGRESS',
    // not known to send a Delete; allowed, as the resource's own status already says CloudFormation deletes it
    'UPDATE_IN_PROGRESS',
  ]],
};
const CANCELLED = 'CloudFormation cancelled this Create; its changes are undone.';
const env = (/** @type {string} */ k, /** @type {number} */ d) => Number(process.env[k] || d);
// Bounds, which the function's environment can change. RETRY: for transient errors and for Bedrock's
// "Failed to validate permissions" while the destinations' policies propagate (Terraform waits 2 minutes).
// DENIED: AccessDenied is retried this long after the invocation starts, since CloudFormation calls the
// handler right after creating its policy. SETTLE: how long a read may lag a write. MARGIN: answer this
// long before the Lambda timeout. POLL: how often a Delete that cancels a Create looks for it.
const RETRY = env('RETRY_BUDGET_MS', 12e4), DENIED = env('ACCESS_DENIED_RETRY_MS', 3e4),
  SETTLE = env('SETTLE_MS', 15e3), MARGIN = env('TIMEOUT_MARGIN_MS', 5e3), POLL = env('POLL_MS', 2e3);
// Time; tests put a virtual clock here so that budgets, polls and the timer take no real time.
const clock = {
  now: () => Date.now(), sleep: (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms)),
  after: (/** @type {number} */ ms, /** @type {() => void} */ f) => setTimeout(f, ms),
};
// The record of what was configured before: up to four SSM parameters of 4,096 characters (the Standard
// tier), since the worst case (two 1,024-character prefixes, a 2,048-character role ARN...) needs two.
const stateNames = (/** @type {string} */ p) => [p, p + '-2', p + '-3', p + '-4'];
// The parameter through which a stack's Create and a Delete that cancels it agree who undoes what.
const markerName = (/** @type {string} */ p, /** @type {string} */ stack) => p.replace(/[^/]+$/, 'create/' + stack);
const json = JSON.stringify;

class InputError extends Error {}

/** @param {any} p */
function desired(p) {
  /** @type {(k: string, v: any, what: string) => never} */
  const bad = (k, v, what) => { throw new InputError(`${k} must be ${what}, got ${json(v)}`); };
  const str = (/** @type {string} */ k) => typeof p[k] == 'string' && p[k] || bad(k, p[k], 'a non-empty string');
  const bool = (/** @type {string} */ k, d = false) => {
    const v = String(p[k] ?? d);
    return v == 'true' || v != 'false' && bad(k, p[k], '"true" or "false"');
  };
  const s3 = { bucketName: str(PROPS.bucketName), keyPrefix: p[PROPS.keyPrefix] || undefined };
  /** @type {any} */
  const cfg = { s3Config: s3 };
  if (p[PROPS.logGroupName] || p[PROPS.roleArn]) {
    cfg.cloudWatchConfig = { logGroupName: str(PROPS.logGroupName), roleArn: str(PROPS.roleArn), largeDataDeliveryS3Config: s3 };
  }
  for (const f of FLAGS) cfg[f] = bool(f[0].toUpperCase() + f.slice(1), true);
  if (!FLAGS.some((f) => cfg[f])) throw new InputError('at least one *DataDeliveryEnabled flag must be "true"');
  const onDelete = p[PROPS.onDelete] || 'RESTORE';
  if (!['RESTORE', 'DELETE', 'RETAIN'].includes(onDelete)) bad(PROPS.onDelete, onDelete, 'one of RESTORE, DELETE, RETAIN');
  return {
    cfg, onDelete, failIfConfigured: bool(PROPS.failIfAlreadyConfigured),
    skip: bool(PROPS.skipUnsupportedRegions), param: str(PROPS.stateParameterName),
  };
}

/** Comparable form: prefixes without a trailing '/' ('' if absent), absent flags false; null if nothing is set. @param {any} c */
function canon(c) {
  if (!c?.s3Config && !c?.cloudWatchConfig) return null;
  const s3 = (/** @type {any} */ s) => s?.bucketName ? [s.bucketName, (s.keyPrefix || '').replace(/\/+$/, '')] : null;
  const w = c.cloudWatchConfig;
  /** @type {any} */
  const o = { s3Config: s3(c.s3Config), cloudWatchConfig: w ? [w.logGroupName, w.roleArn, s3(w.largeDataDeliveryS3Config)] : null };
  for (const f of FLAGS) o[f] = c[f] === true;
  return o;
}
const same = (/** @type {any} */ a, /** @type {any} */ b) => json(canon(a)) == json(canon(b));
/** The fields of `want` that `got` does not hold. @param {any} want @param {any} got */
const dropped = (want, got) => {
  const w = canon(want), g = canon(got) || {};
  return Object.keys(w).filter((k) => json(w[k]) != json(g[k]));
};

const status = (/** @type {any} */ e) => e.$metadata?.httpStatusCode || 0;
const is = (/** @type {any} */ e, /** @type {RegExp} */ re) => re.test(e.name + ' ' + e.code);
const propagating = (/** @type {any} */ e) => e.name == 'ValidationException' && /Failed to validate permissions/i.test(e.message);
const denied = (/** @type {any} */ e) => is(e, /AccessDenied/) || status(e) == 403;
const unresolvable = (/** @type {any} */ e) => /ENOTFOUND/.test(e.code + e.message);
// The request may have reached the service and been applied.
const ambiguous = (/** @type {any} */ e) => status(e) > 499 || is(e, /ECONNRESET|EPIPE|ETIMEDOUT|TimeoutError/);
const transient = (/** @type {any} */ e) => ambiguous(e) || propagating(e) || status(e) == 429 || is(e, /Throttl|TooMany|ECONNREFUSED|EAI_AGAIN/);

/** The error and what to check. @param {any} e @param {string} region */
function explain(e, region) {
  const m = `${e.name}: ${e.message}${e.attempts > 1 ? ` (after ${e.attempts} attempts)` : ''}`;
  return unresolvable(e) && /^bedrock:/.test(e.action) ? `Amazon Bedrock is not available in ${region} (its endpoint does not resolve). Remove this Region, or set skipUnsupportedRegions. ${m}`
    : propagating(e) ? `${m}. Check that the bucket policy lets bedrock.amazonaws.com s3:PutObject under PREFIX/AWSLogs/ACCOUNT/BedrockModelInvocationLogs/ with aws:SourceAccount and aws:SourceArn, that a KMS key policy allows kms:GenerateDataKey to bedrock.amazonaws.com, and that the CloudWatch role trusts bedrock.amazonaws.com and may write the log group.`
      : denied(e) ? `${m}. The custom resource role was denied ${e.action}: check its policy, SCPs and permission boundaries.` : m;
}

/** Lambda entry point: answers CloudFormation exactly once on every path. @param {any} event @param {any} context */
exports.handler = async (event, context) => {
  console.log(json({ ...event, ResponseURL: '(redacted)' }));
  if (typeof event?.ResponseURL != 'string') return console.log('not a CloudFormation custom resource event');
  // All state is this invocation's: a reused container shares nothing with the previous one.
  const { RequestType: type, StackId, RequestId, PhysicalResourceId } = event;
  const [, , , region, account] = String(StackId).split(':');
  const t0 = clock.now(), left = context?.getRemainingTimeInMillis?.() ?? 3e5, end = t0 + left - 2 * MARGIN;
  let deadline = Math.min(t0 + RETRY, end), late = false, parts = 0;
  /** @type {any} */
  let failId, raw, timer, answer;

  // One answer. A later caller gets the first answer's promise: the invocation must not end (and Lambda
  // freeze it) while the timer's answer is still on its way, because a late call returned meanwhile.
  /** @param {string} Status @param {string} Reason @param {string} [id] @param {any} [Data] */
  const respond = (Status, Reason, id, Data) => answer ??= send(Status, Reason, id, Data);
  /** @param {string} Status @param {string} Reason @param {string} [id] @param {any} [Data] */
  const send = async (Status, Reason, id, Data) => {
    console.log(`${Status}: ${Reason}`);
    const ok = Status == 'SUCCESS';
    const body = (/** @type {string} */ r) => json({
      Status, Reason: r, StackId, RequestId, LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: id || PhysicalResourceId || `create-failed-${RequestId}`,
      // Message feeds the stack output LoggingConfigurationStatus (Fn::GetAtt).
      Data: ok ? { ...Data, Message: r } : undefined,
    });
    // CloudFormation takes at most 4,096 bytes: keep the characters of the Reason that fit, as JSON has them.
    let reason = '', room = 4096 - Buffer.byteLength(body(''));
    for (const c of Reason) {
      if ((room -= (Buffer.byteLength(json(c)) - 2) * (ok ? 2 : 1)) < 0) break;
      reason += c;
    }
    for (let n = 1; n < 5; n++) {
      try {
        const res = await fetch(event.ResponseURL, {
          method: 'PUT', body: body(reason),
          headers: { 'content-type': '' }, signal: AbortSignal.timeout(1e4),
        });
        if (res.ok) return;
        throw new Error(`HTTP ${res.status}`);
      } catch (e) {
        console.log(`response PUT attempt ${n}: ${/** @type {any} */ (e).message}`);
        await clock.sleep(500 * n);
      }
    }
  };

  const work = async () => {
    if (!['Create', 'Update', 'Delete'].includes(type)) throw new InputError(`unknown RequestType ${json(type)}`);
    /** @type {any} */
    const B = require('@aws-sdk/client-bedrock'), S = require('@aws-sdk/client-ssm'), C = require('@aws-sdk/client-cloudformation');
    // Our retry decides; a hung connection becomes a TimeoutError.
    const opts = { maxAttempts: 1, requestHandler: { requestTimeout: 3e4, throwOnRequestTimeout: true } };
    /** @type {any} */
    const bedrock = new B.BedrockClient(opts), ssm = new S.SSMClient(opts);
    /** @type {any} */
    const api = { bedrock: [B, bedrock], ssm: [S, ssm], cloudformation: [C, new C.CloudFormationClient(opts)] };
    // Send the body we built, so that a runtime SDK that does not know a newer flag cannot drop it...
    bedrock.middlewareStack.add((/** @type {any} */ next, /** @type {any} */ ctx) => async (/** @type {any} */ args) => {
      if (ctx.commandName == `Put${L}Command`) args.request.body = json({ loggingConfig: args.input.loggingConfig });
      return next(args);
    }, { step: 'build', priority: 'high' });
    // ...and read the raw answer, so that an older SDK cannot hide a field the service kept.
    bedrock.middlewareStack.add((/** @type {any} */ next) => async (/** @type {any} */ args) => {
      const out = await next(args), body = out.response?.body, chunks = [];
      if (body?.on) {
        for await (const c of body) chunks.push(c);
        raw = Buffer.concat(chunks).toString();
        out.response.body = require('stream').Readable.from([Buffer.from(raw)]);
      }
      return out;
    }, { step: 'deserialize', priority: 'low' });

    /** Sends one command, retrying with backoff and full jitter; errors carry the IAM action. @param {string} action @param {any} [input] */
    const go = async (action, input) => {
      const [svc, op] = action.split(':'), [M, client] = api[svc];
      for (let n = 1; ; n++) {
        if (late) throw new Error(`timed out; not calling ${action}`);
        try {
          return await client.send(new M[op + 'Command'](input));
        } catch (err) {
          const e = Object.assign(err instanceof Error ? err : new Error(String(err)), { action, attempts: n });
          const wait = Math.random() * 1e3 * 2 ** Math.min(n - 1, 4);
          if (!(transient(e) || denied(e) && clock.now() < t0 + DENIED) || clock.now() + wait > deadline) throw e;
          console.log(`retrying ${action} after ${e.name}: ${e.message}`);
          await clock.sleep(wait);
        }
      }
    };
    const get = async () => {
      raw = undefined;
      let c = (await go('bedrock:Get' + L)).loggingConfig;
      try {
        c = JSON.parse(String(raw)).loggingConfig || c;
      } catch { }
      return canon(c) ? c : null;
    };
    /** Reads until `ok` holds or SETTLE has passed (a read may lag a write). @param {(c: any) => boolean} ok */
    const settle = async (ok) => {
      for (let n = 0, stop = clock.now() + SETTLE; ; n++) {
        const c = await get();
        if (ok(c) || clock.now() >= stop) return c;
        await clock.sleep(Math.min(500 * 2 ** n, 4e3));
      }
    };
    /** Puts `cfg` (null: deletes). After an error that may have been applied, reads back before deciding. @param {any} cfg */
    const put = async (cfg) => {
      try {
        await go(cfg ? 'bedrock:Put' + L : 'bedrock:Delete' + L, cfg && { loggingConfig: cfg });
      } catch (e) {
        if (!ambiguous(e)) throw e;
        const c = await settle((x) => same(x, cfg)).catch(() => { throw Object.assign(/** @type {any} */ (e), { maybe: true }); });
        if (!same(c, cfg)) throw e;
        console.log(`applied despite ${/** @type {any} */ (e).name}`);
      }
    };
    const missing = (/** @type {any} */ e) => { if (e.name != 'ParameterNotFound') throw e; };
    /** @type {(Name: string) => Promise<string | undefined>} */
    const getP = (Name) => go('ssm:GetParameter', { Name }).then((o) => o.Parameter.Value, missing);
    const putP = (/** @type {string} */ Name, /** @type {string} */ Value, Overwrite = true) => go('ssm:PutParameter', {
      Name, Value, Overwrite, Type: 'String', Description: 'cdk-bedrock-invocation-logging: see its README',
    });
    const delP = (/** @type {string} */ Name) => go('ssm:DeleteParameter', { Name }).catch(missing);

    const stable = `bedrock-invocation-logging-${account}-${region}`;
    const owner = `${StackId}/${event.LogicalResourceId}`;
    // A Delete of an id we never gave is CloudFormation cancelling a Create that had not answered.
    const cancel = type == 'Delete' && PhysicalResourceId != stable;
    const id = type == 'Delete' ? PhysicalResourceId : stable;
    const never = ['Nothing to delete: this resource was never created.', id];
    if (/^create-failed-/.test(PhysicalResourceId)) return never;
    let want;
    try {
      want = desired(event.ResourceProperties || {});
    } catch (e) {
      if (cancel) return never;
      throw e;
    }

    // Before any Bedrock or SSM call, CloudFormation confirms that it sent this request. Asked once: a Create
    // that asked again after its stack began to roll back would refuse to undo its own changes.
    const own = process.env[STACK_VAR], [busy, during] = IN_FLIGHT[type];
    /** @param {string} saw */
    const refuse = (saw) => new InputError(`Refused this ${type}: ${saw}. CloudFormation sends a ${type} only while the resource is ${busy} and its stack ${during.join(', ')}; nothing was changed.`);
    if (!own || StackId !== own) throw refuse(`it names stack ${json(StackId)}, and this function belongs to ${own || `no stack (${STACK_VAR} is not set)`}`);
    let seen;
    try {
      const input = { StackName: own, LogicalResourceId: event.LogicalResourceId };
      const detail = (await go('cloudformation:DescribeStackResource', input)).StackResourceDetail;
      seen = [detail?.ResourceStatus, (await go('cloudformation:DescribeStacks', { StackName: own })).Stacks?.[0]?.StackStatus, detail?.ResourceType];
    } catch (e) {
      throw new InputError(`Could not ask CloudFormation whether it sent this ${type}, so nothing was changed: ${explain(e, region)}`);
    }
    if (seen[2] != RESOURCE_TYPE) throw refuse(`resource ${json(event.LogicalResourceId)} is a ${seen[2]}, not a ${RESOURCE_TYPE}`);
    if (seen[0] != busy || !during.includes(seen[1])) throw refuse(`resource ${json(event.LogicalResourceId)} is ${seen[0]} and stack ${own} is ${seen[1]}`);

    const { param } = want, names = stateNames(param), marker = markerName(param, String(StackId).split('/')[1]);
    const mark = (/** @type {string} */ s) => `${s} ${RequestId} ${owner}`;
    const ours = (/** @type {any} */ v) => String(v).endsWith(' ' + owner);

    // The record {owner, previous}: JSON in parts, of which only all together parse.
    const readState = async () => {
      let v = '';
      for (const n of names) {
        const s = await getP(n);
        if (s == null) break;
        v += s;
        parts++;
        try {
          return JSON.parse(v);
        } catch { }
      }
      if (v) throw new InputError(`The record in ${param} is incomplete; restore it from its history or delete it.`);
    };
    const writeState = async (/** @type {any} */ state) => {
      // ASCII only, so that characters and bytes agree, whichever SSM counts.
      const s = json(state).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
      const chunks = s.match(/.{1,4096}/g) || [];
      if (chunks.length > names.length) throw new InputError(`The configuration to remember takes ${s.length} characters; ${param} holds ${4096 * names.length}.`);
      // The first part last: until then, readers see the whole old record.
      for (let i = chunks.length; i--;) await putP(names[i], chunks[i]);
      while (parts > chunks.length) await delP(names[--parts]);
      parts = chunks.length;
    };
    const deleteState = async () => {
      for (const n of names.slice(0, parts || 1)) await delP(n);
      parts = 0;
    };
    /** Sets the marker to `v` unless it holds this resource's; returns what it holds. @param {string} v */
    const claim = async (v) => {
      for (let i = 0; ; i++) {
        try {
          await putP(marker, v, false);
          return v;
        } catch (e) {
          if (/** @type {any} */ (e).name != 'ParameterAlreadyExists') throw e;
          const k = await getP(marker);
          if (ours(k) || i > 2) return String(k);
          // left by an earlier stack of the same name
          if (k) await delP(marker);
        }
      }
    };

    let current;
    try {
      current = await get();
    } catch (e) {
      if (!unresolvable(e) || !(type == 'Delete' || want.skip)) throw e;
      return [`Skipped: Amazon Bedrock is not available in ${region}; nothing was configured.`, id, { Skipped: 'true' }];
    }

    if (type == 'Delete') {
      if (cancel) {
        const k = await claim(mark('cancelled'));
        if (k == mark('cancelled')) {
          // Wait for the Create to meet the marker: it then undoes its own changes and removes it.
          for (let v = k; v == k;) {
            if (clock.now() > end - 3e4) break;
            await clock.sleep(POLL);
            v = String(await getP(marker));
            if (v != k) return [CANCELLED, id];
          }
          deadline = end;
        }
        // The Create finished first, failed, or did not come: undo what it left, as RESTORE does.
        want.onDelete = 'RESTORE';
        current = await get();
      }
      const state = await readState(), prev = state?.previous, how = want.onDelete;
      let msg = 'Left the logging configuration alone: another stack has taken it over.';
      if (state ? state.owner == owner : !cancel) {
        if (how == 'RETAIN') msg = 'onDelete RETAIN: left the logging configuration in place.';
        else if (!current) msg = 'Nothing to delete: logging is not configured.';
        else if (!same(current, want.cfg) && !same(current = await settle((c) => same(c, want.cfg)), want.cfg)) {
          msg = state && same(current, prev) ? 'The previous configuration is back in place.' : 'Left the logging configuration alone: someone changed it after this stack set it.';
        } else {
          const to = how == 'RESTORE' && prev || null;
          await put(to).catch((e) => {
            if (!to) throw e;
            throw new InputError(`Could not restore the previous configuration: ${explain(e, region).replace(/\.?$/, '.')} Fix that and delete again: the record in ${param} is kept for it.`);
          });
          msg = to ? 'Restored the logging configuration that was in place before this stack.'
            : `Deleted the logging configuration${how == 'RESTORE' && !state ? ' (no record of a previous one)' : ''}.`;
        }
        if (state) await deleteState();
      } else if (!state) msg = 'Nothing to undo.';
      await delP(marker);
      return [(cancel ? 'Cancelled Create: ' : '') + msg, id];
    }

    if (type == 'Create') {
      const k = await getP(marker);
      if (ours(k) && /^cancelled/.test(String(k))) {
        await delP(marker);
        throw new InputError(CANCELLED);
      }
    }
    const state = await readState();
    let msg = 'Updated the logging configuration.';
    if (type == 'Create') {
      if (current && want.failIfConfigured && !same(current, want.cfg)) {
        throw new InputError(`Model invocation logging is already configured in ${account}/${region} (bucket ${current.s3Config?.bucketName}) and failIfAlreadyConfigured is set. Remove that configuration or unset the option to adopt it.`);
      }
      msg = !current ? 'Configured model invocation logging.' : want.onDelete == 'RESTORE'
        ? 'Replaced the existing logging configuration; it will be put back when this stack is deleted (onDelete RESTORE).'
        : `Replaced the existing logging configuration (onDelete ${want.onDelete}: it will not be put back).`;
    } else {
      if (same(current, want.cfg)) return ['No change: the logging configuration already matches.', id];
      let old = null;
      try {
        old = desired(event.OldResourceProperties).cfg;
      } catch { }
      if (current && !same(current, old)) msg = 'Updated; note: replaced a configuration someone else had set since the last deployment.';
    }
    // Keep our own record (it knows what was there before us) unless a Create finds the account not as we left it.
    const write = state?.owner != owner || type == 'Create' && !same(current, want.cfg);
    if (write) await writeState({ owner, previous: current });
    let applied = false;
    try {
      // From here a failure may leave our configuration: the stable id lets CloudFormation's Delete clean up.
      if (type == 'Create') failId = id;
      await put(want.cfg);
      applied = true;
      const lost = dropped(want.cfg, await settle((c) => !dropped(want.cfg, c).length));
      if (lost.length) {
        throw new InputError(`Bedrock did not keep ${lost.join(', ')} as requested (runtime @aws-sdk/client-bedrock ${require('@aws-sdk/client-bedrock/package.json').version}). The Region or the runtime's SDK may not support it yet: set it to false or choose another runtime.`);
      }
      if (type == 'Create' && /^cancelled/.test(await claim(mark('created')))) throw new InputError(CANCELLED);
    } catch (e) {
      // A failed Create undoes what it did: CloudFormation's Delete of an id it never got does nothing.
      if (type == 'Create') {
        try {
          if (applied || /** @type {any} */ (e).maybe) await put(current);
          if (write) await (state ? writeState(state) : deleteState());
          failId = undefined;
          if (/** @type {any} */ (e).message == CANCELLED) await delP(marker);
        } catch (e2) {
          console.log('rollback failed', e2);
        }
      }
      throw e;
    }
    return [msg, id];
  };

  const timeout = new Promise((resolve) => {
    timer = clock.after(Math.max(0, left - MARGIN), () => {
      late = true;
      resolve(respond('FAILED', 'Timed out before the Lambda function limit; see its CloudWatch logs.', failId));
    });
  });
  try {
    await Promise.race([timeout, work().then(
      ([reason, id, data]) => respond('SUCCESS', reason, id, data),
      (e) => respond('FAILED', e instanceof InputError ? e.message : explain(e, region), failId),
    )]);
  } finally {
    clearTimeout(timer);
    late = true;
  }
};
Object.assign(exports, { PROPS, FLAGS, STACK_VAR, RESOURCE_TYPE, clock, stateNames, markerName });
