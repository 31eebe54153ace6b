/**
 * Just enough of CloudFormation's template processing to check a template with conditions:
 * evaluate the Conditions for some parameter values, drop the resources and outputs whose
 * condition is false, resolve Fn::If (AWS::NoValue removes the key or list item), and list every
 * reference (Ref, Fn::GetAtt, Fn::Sub, DependsOn) that would point at a resource that is not created.
 */

const PSEUDO = new Set(['AWS::AccountId', 'AWS::Region', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackId', 'AWS::StackName', 'AWS::NoValue', 'AWS::NotificationARNs']);
const NO_VALUE = Symbol('NoValue');

export interface Instance {
  /** The resources CloudFormation would create, with Fn::If resolved. */
  readonly resources: Record<string, any>;
  /** The outputs it would show, with Fn::If resolved. */
  readonly outputs: Record<string, any>;
  /** The condition values. */
  readonly conditions: Record<string, boolean>;
  /** `where -> target` for every reference to something that does not exist. */
  readonly dangling: string[];
}

/** What CloudFormation would do with `template` and these parameter values (defaults for the rest). */
export function instantiate(template: any, parameterValues: Record<string, string> = {}): Instance {
  const params: Record<string, string> = {};
  for (const [name, p] of Object.entries<any>(template.Parameters ?? {})) {
    const value = parameterValues[name] ?? p.Default;
    if (value === undefined) throw new Error(`parameter ${name} has no value and no default`);
    params[name] = String(value);
  }
  for (const name of Object.keys(parameterValues)) {
    if (!(name in params)) throw new Error(`template has no parameter ${name}`);
  }
  const conditions: Record<string, boolean> = {};
  const evalCondition = (name: string): boolean => {
    if (!(name in conditions)) {
      const expr = template.Conditions?.[name];
      if (expr === undefined) throw new Error(`unknown condition ${name}`);
      conditions[name] = Boolean(evalExpr(expr));
    }
    return conditions[name];
  };
  const evalExpr = (e: any): unknown => {
    if (typeof e !== 'object' || e === null) return e;
    if ('Ref' in e) {
      if (!(e.Ref in params)) throw new Error(`condition refers to ${e.Ref}, which is not a parameter`);
      return params[e.Ref];
    }
    if ('Condition' in e) return evalCondition(e.Condition);
    if ('Fn::Equals' in e) return String(evalExpr(e['Fn::Equals'][0])) === String(evalExpr(e['Fn::Equals'][1]));
    if ('Fn::Not' in e) return !evalExpr(e['Fn::Not'][0]);
    if ('Fn::And' in e) return e['Fn::And'].every((x: any) => evalExpr(x));
    if ('Fn::Or' in e) return e['Fn::Or'].some((x: any) => evalExpr(x));
    throw new Error(`unsupported condition expression ${JSON.stringify(e)}`);
  };
  for (const name of Object.keys(template.Conditions ?? {})) evalCondition(name);

  const resolveIf = (node: any): any => {
    if (Array.isArray(node)) return node.map(resolveIf).filter((x) => x !== NO_VALUE);
    if (typeof node !== 'object' || node === null) return node;
    if (node.Ref === 'AWS::NoValue') return NO_VALUE;
    if ('Fn::If' in node) {
      const [cond, yes, no] = node['Fn::If'];
      return resolveIf(evalCondition(cond) ? yes : no);
    }
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(node)) {
      const r = resolveIf(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  };

  const resources: Record<string, any> = {};
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    if (r.Condition === undefined || evalCondition(r.Condition)) resources[id] = resolveIf(r);
  }
  const outputs: Record<string, any> = {};
  for (const [id, o] of Object.entries<any>(template.Outputs ?? {})) {
    if (o.Condition === undefined || evalCondition(o.Condition)) outputs[id] = resolveIf(o);
  }

  const dangling: string[] = [];
  const exists = (name: string) => name in resources || name in params || PSEUDO.has(name);
  const walk = (node: any, where: string): void => {
    if (Array.isArray(node)) { node.forEach((x, i) => walk(x, `${where}.${i}`)); return; }
    if (typeof node !== 'object' || node === null) return;
    if (typeof node.Ref === 'string' && !exists(node.Ref)) dangling.push(`${where} -> ${node.Ref}`);
    if (Array.isArray(node['Fn::GetAtt']) && !(node['Fn::GetAtt'][0] in resources)) dangling.push(`${where} -> ${node['Fn::GetAtt'][0]}`);
    if (node['Fn::Sub'] !== undefined) {
      const text = Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'][0] : node['Fn::Sub'];
      const vars = Array.isArray(node['Fn::Sub']) ? Object.keys(node['Fn::Sub'][1] ?? {}) : [];
      for (const m of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const name = m[1].split('.')[0];
        if (!vars.includes(m[1]) && !exists(name)) dangling.push(`${where} -> ${name}`);
      }
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
  };
  for (const [id, r] of Object.entries<any>(resources)) {
    const deps = r.DependsOn === undefined ? [] : [].concat(r.DependsOn);
    for (const d of deps) if (!(d in resources)) dangling.push(`${id}.DependsOn -> ${d}`);
    walk(r.Properties, `${id}.Properties`);
    walk(r.Metadata, `${id}.Metadata`);
  }
  for (const [id, o] of Object.entries<any>(outputs)) walk(o.Value, `Outputs.${id}`);
  return { resources, outputs, conditions, dangling };
}

/** Every resource logical id in the template whose type is `type`. */
export function idsOfType(template: any, type: string): string[] {
  return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type).map(([id]) => id);
}

/**
 * The AssertDescription of every rule assertion that fails for these parameter values (defaults
 * for the rest): what CloudFormation refuses before it changes anything. Rules use the condition
 * functions on parameters only.
 */
export function ruleFailures(template: any, parameterValues: Record<string, string> = {}): string[] {
  const value = (name: string): string => {
    const p = template.Parameters?.[name];
    if (!p) throw new Error(`rule refers to ${name}, which is not a parameter`);
    return parameterValues[name] ?? p.Default;
  };
  const evalExpr = (e: any): unknown => {
    if (typeof e !== 'object' || e === null) return e;
    if ('Ref' in e) return value(e.Ref);
    if ('Fn::Equals' in e) return String(evalExpr(e['Fn::Equals'][0])) === String(evalExpr(e['Fn::Equals'][1]));
    if ('Fn::Not' in e) return !evalExpr(e['Fn::Not'][0]);
    if ('Fn::And' in e) return e['Fn::And'].every((x: any) => evalExpr(x));
    if ('Fn::Or' in e) return e['Fn::Or'].some((x: any) => evalExpr(x));
    throw new Error(`unsupported rule expression ${JSON.stringify(e)}`);
  };
  const failures: string[] = [];
  for (const rule of Object.values<any>(template.Rules ?? {})) {
    if (rule.RuleCondition !== undefined && !evalExpr(rule.RuleCondition)) continue;
    for (const a of rule.Assertions) if (!evalExpr(a.Assert)) failures.push(a.AssertDescription);
  }
  return failures;
}
