/**
 * Resolves the intrinsic functions of a synthesized CloudFormation template as CloudFormation would
 * in one fixed account and Region, so that its policies can be handed to an IAM simulator.
 *
 * Physical names are derived from logical ids (deterministically) unless given. Anything the
 * resolver does not understand throws: a policy is never simulated with a half-resolved value.
 */

import { createHash } from 'crypto';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

export interface ResolveOptions {
  readonly account?: string;
  readonly region?: string;
  readonly partition?: string;
  readonly urlSuffix?: string;
  readonly stackName?: string;
  /** Physical name (the value of `Ref`) per logical id, overriding the derived one. */
  readonly physicalNames?: Record<string, string>;
  /** Values of template parameters; otherwise their `Default`. */
  readonly parameters?: Record<string, string>;
}

type Json = any;

/** A template whose `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::If` and pseudo parameters resolve to literals. */
export class TemplateResolver {
  public readonly account: string;
  public readonly region: string;
  public readonly partition: string;
  public readonly urlSuffix: string;
  public readonly stackName: string;
  private readonly resources: Record<string, Json>;

  constructor(private readonly template: Json, private readonly options: ResolveOptions = {}) {
    this.account = options.account ?? ACCOUNT;
    this.region = options.region ?? REGION;
    this.partition = options.partition ?? 'aws';
    this.urlSuffix = options.urlSuffix ?? 'amazonaws.com';
    this.stackName = options.stackName ?? 'Stack';
    this.resources = template.Resources ?? {};
  }

  /**
   * The resolved template: every intrinsic in Resources and Outputs replaced by its value,
   * `AWS::NoValue` properties dropped, resources and outputs whose `Condition` is false left out.
   * `Conditions` stay as written; `Rules` (deploy-time assertions such as the bootstrap version
   * check) are left out: they grant nothing.
   */
  public resolveTemplate(): Json {
    const { Rules: _rules, Resources, Outputs, ...rest } = this.template;
    const kept = (section: Record<string, Json> = {}) => Object.fromEntries(Object.entries(section)
      .filter(([, v]) => v.Condition === undefined || this.condition(v.Condition))
      .map(([k, v]) => [k, this.resolve(v)]));
    return { ...rest, Resources: kept(Resources), ...(Outputs ? { Outputs: kept(Outputs) } : {}) };
  }

  /** Resolves one value (deeply). */
  public resolve(value: Json): Json {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
      // `{ Condition: name }` is an intrinsic (inside Fn::And/Or/Not) only when it names a condition.
      if (keys[0] !== 'Condition' || typeof value.Condition === 'string' && this.template.Conditions?.[value.Condition] !== undefined) {
        return this.intrinsic(keys[0], value[keys[0]]);
      }
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = this.resolve(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** The value of `{ Ref: logicalId }`. */
  public ref(name: string): string {
    switch (name) {
      case 'AWS::AccountId': return this.account;
      case 'AWS::Region': return this.region;
      case 'AWS::Partition': return this.partition;
      case 'AWS::URLSuffix': return this.urlSuffix;
      case 'AWS::StackName': return this.stackName;
      case 'AWS::StackId': return `arn:${this.partition}:cloudformation:${this.region}:${this.account}:stack/${this.stackName}/${uuid(this.stackName)}`;
      case 'AWS::NoValue': return NO_VALUE as any;
    }
    if (this.template.Parameters?.[name]) {
      const v = this.options.parameters?.[name] ?? this.template.Parameters[name].Default;
      if (v === undefined) throw new Error(`parameter ${name} has no value and no Default`);
      return v;
    }
    const resource = this.resources[name];
    if (!resource) throw new Error(`Ref to unknown logical id ${name}`);
    const props = resource.Properties ?? {};
    const given = this.options.physicalNames?.[name];
    switch (resource.Type) {
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${this.partition}:iam::${this.account}:policy${this.resolve(props.Path ?? '/')}${given ?? this.resolve(props.ManagedPolicyName ?? this.generatedName(name, 128))}`;
      case 'AWS::KMS::Key':
        return given ?? uuid(name);
      case 'AWS::SNS::Topic':
      case 'AWS::SQS::Queue':
        throw new Error(`Ref of ${resource.Type} (${name}) is not modelled`);
      default:
        return given ?? this.nameProperty(resource) ?? this.generatedName(name, resource.Type === 'AWS::S3::Bucket' ? 63 : 64);
    }
  }

  /** The value of `{ 'Fn::GetAtt': [logicalId, attribute] }`. */
  public getAtt(name: string, attribute: string): string {
    const resource = this.resources[name];
    if (!resource) throw new Error(`Fn::GetAtt on unknown logical id ${name}`);
    const p = this.partition;
    const a = this.account;
    const r = this.region;
    const ref = () => this.ref(name);
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::S3::Bucket.Arn': return `arn:${p}:s3:::${ref()}`;
      case 'AWS::S3::Bucket.DomainName': return `${ref()}.s3.${this.urlSuffix}`;
      case 'AWS::S3::Bucket.RegionalDomainName': return `${ref()}.s3.${r}.${this.urlSuffix}`;
      case 'AWS::KMS::Key.Arn': return `arn:${p}:kms:${r}:${a}:key/${ref()}`;
      case 'AWS::KMS::Key.KeyId': return ref();
      case 'AWS::IAM::Role.Arn': return `arn:${p}:iam::${a}:role${this.resolve(resource.Properties?.Path ?? '/')}${ref()}`;
      case 'AWS::IAM::Role.RoleId': return `AROA${uuid(name).replace(/-/g, '').slice(0, 17).toUpperCase()}`;
      case 'AWS::IAM::ManagedPolicy.PolicyArn': return ref();
      // CloudFormation's log group Arn ends in ":*" (it names the group's streams).
      case 'AWS::Logs::LogGroup.Arn': return `arn:${p}:logs:${r}:${a}:log-group:${ref()}:*`;
      case 'AWS::Lambda::Function.Arn': return `arn:${p}:lambda:${r}:${a}:function:${ref()}`;
      case 'AWS::SSM::Parameter.Value': return `value-of-${ref()}`;
    }
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
      return `${name}.${attribute}`;
    }
    throw new Error(`Fn::GetAtt ${name}.${attribute} (${resource.Type}) is not modelled`);
  }

  private intrinsic(fn: string, arg: Json): Json {
    switch (fn) {
      case 'Ref': return this.ref(this.str(arg, 'Ref'));
      case 'Fn::GetAtt': {
        const [name, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
        return this.getAtt(name, this.str(attribute, 'Fn::GetAtt'));
      }
      case 'Fn::Join': {
        const [sep, list] = arg;
        return (this.resolve(list) as Json[]).map((v) => this.str(v, 'Fn::Join')).join(sep);
      }
      case 'Fn::Sub': return this.sub(arg);
      case 'Fn::Select': {
        const [index, list] = this.resolve(arg);
        const i = Number(index);
        if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length) throw new Error(`Fn::Select index ${index} out of range`);
        return list[i];
      }
      case 'Fn::Split': {
        const [sep, source] = this.resolve(arg);
        return this.str(source, 'Fn::Split').split(sep);
      }
      case 'Fn::Base64': return Buffer.from(this.str(this.resolve(arg), 'Fn::Base64')).toString('base64');
      case 'Fn::GetAZs': return ['a', 'b', 'c'].map((z) => `${this.region}${z}`);
      case 'Fn::FindInMap': {
        const [map, k1, k2] = this.resolve(arg);
        const v = this.template.Mappings?.[map]?.[k1]?.[k2];
        if (v === undefined) throw new Error(`Fn::FindInMap ${map}.${k1}.${k2} not found`);
        return v;
      }
      case 'Fn::If': {
        const [cond, yes, no] = arg;
        return this.condition(cond) ? this.resolve(yes) : this.resolve(no);
      }
      case 'Fn::Equals': {
        const [x, y] = this.resolve(arg);
        return JSON.stringify(x) === JSON.stringify(y);
      }
      case 'Fn::Not': return !this.bool(arg[0]);
      case 'Fn::And': return (arg as Json[]).every((c) => this.bool(c));
      case 'Fn::Or': return (arg as Json[]).some((c) => this.bool(c));
      case 'Condition': return this.condition(arg);
    }
    throw new Error(`intrinsic ${fn} is not supported`);
  }

  private sub(arg: Json): string {
    const [text, vars] = Array.isArray(arg) ? [arg[0], this.resolve(arg[1] ?? {})] : [arg, {}];
    return this.str(text, 'Fn::Sub').replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, inner: string) => {
      if (bang) return `\${${inner}}`;
      const name = inner.trim();
      if (name in vars) return this.str(vars[name], 'Fn::Sub');
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [logical, attribute] = name.split(/\.(.+)/);
        return this.getAtt(logical, attribute);
      }
      return this.ref(name);
    });
  }

  private condition(name: string): boolean {
    const c = this.template.Conditions?.[name];
    if (c === undefined) throw new Error(`unknown condition ${name}`);
    return this.bool(c);
  }

  private bool(v: Json): boolean {
    const r = this.resolve(v);
    if (typeof r !== 'boolean') throw new Error(`condition did not resolve to a boolean: ${JSON.stringify(v)}`);
    return r;
  }

  private str(v: Json, where: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    throw new Error(`${where}: expected a string, got ${JSON.stringify(v)}`);
  }

  private nameProperty(resource: Json): string | undefined {
    const prop = NAME_PROPERTY[resource.Type];
    const v = prop ? resource.Properties?.[prop] : undefined;
    return v === undefined ? undefined : this.str(this.resolve(v), prop);
  }

  /** What CloudFormation generates for an unnamed resource: `stack-logicalid-suffix`, lower case for buckets. */
  private generatedName(logicalId: string, max: number): string {
    const suffix = uuid(logicalId).replace(/-/g, '').slice(0, 12);
    const name = `${this.stackName}-${logicalId}`.slice(0, max - suffix.length - 1) + '-' + suffix;
    return max === 63 ? name.toLowerCase() : name;
  }
}

const NO_VALUE = Symbol('AWS::NoValue') as unknown as Json;

const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SSM::Parameter': 'Name',
};

/** A stable UUID-shaped id derived from a string. */
export function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Shorthand: the template with every intrinsic resolved for account 111122223333 in us-east-1. */
export function resolveTemplate(template: Json, options: ResolveOptions = {}): Json {
  return new TemplateResolver(template, options).resolveTemplate();
}
