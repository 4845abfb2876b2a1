import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, type YAMLSeq } from 'yaml';

/**
 * cfn-lint is not available here, so this checks what a broken template
 * most often gets wrong: it parses (with CloudFormation's short tags), every
 * reference names a parameter, resource, condition or pseudo parameter, an
 * unconditional resource does not reach a conditional one outside Fn::If, the
 * IAM statements are scoped, and the Lambda's settings match what the code reads.
 */
const templatePath = new URL('../../infra/opais-changelog.yaml', import.meta.url);

const intrinsic = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
];
const customTags = intrinsic.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  return [
    {
      tag: `!${name}`,
      resolve: (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value }),
    },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (seq: YAMLSeq) => ({ [key]: seq.toJSON() }) },
  ];
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Template {
  Parameters: Record<string, { Type: string }>;
  Conditions: Record<string, Json>;
  Resources: Record<string, { Type: string; Condition?: string; DependsOn?: string[]; Properties?: Json }>;
  Outputs: Record<string, Json>;
}

const template = parse(readFileSync(templatePath, 'utf8'), { customTags }) as Template;

/** Every logical name a value refers to, with whether it sits inside an Fn::If branch. */
function references(value: Json, insideIf = false): Array<{ name: string; insideIf: boolean; kind: string }> {
  if (Array.isArray(value)) return value.flatMap((item) => references(item, insideIf));
  if (value === null || typeof value !== 'object') return [];
  const found: Array<{ name: string; insideIf: boolean; kind: string }> = [];
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string') found.push({ name: inner, insideIf, kind: 'Ref' });
    else if (key === 'Condition' && typeof inner === 'string')
      found.push({ name: inner, insideIf, kind: 'Condition' });
    else if (key === 'Fn::GetAtt' && Array.isArray(inner))
      found.push({ name: String(inner[0]), insideIf, kind: 'GetAtt' });
    else if (key === 'Fn::Sub') {
      const text = Array.isArray(inner) ? String(inner[0]) : String(inner);
      for (const match of text.matchAll(/\$\{([^}!.]+)(?:\.[^}]+)?\}/g))
        found.push({ name: match[1] as string, insideIf, kind: 'Sub' });
    } else if (key === 'Fn::If' && Array.isArray(inner)) {
      found.push({ name: String(inner[0]), insideIf, kind: 'Condition' });
      found.push(...references(inner.slice(1) as Json, true));
    } else found.push(...references(inner as Json, insideIf));
  }
  return found;
}

describe('infra/opais-changelog.yaml', () => {
  it('parses as a CloudFormation template', () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(10);
    expect(template.Parameters.SnapshotBucketName?.Type).toBe('String');
  });

  it('refers only to what it declares', () => {
    const declared = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources)]);
    const conditions = new Set(Object.keys(template.Conditions));
    const problems: string[] = [];
    const check = (where: string, value: Json) => {
      for (const reference of references(value)) {
        const known =
          reference.kind === 'Condition' ? conditions.has(reference.name) : declared.has(reference.name);
        if (!known && !reference.name.startsWith('AWS::'))
          problems.push(`${where}: ${reference.kind} ${reference.name}`);
      }
    };
    for (const [name, resource] of Object.entries(template.Resources)) {
      check(name, resource.Properties ?? null);
      if (resource.Condition && !conditions.has(resource.Condition))
        problems.push(`${name}: condition ${resource.Condition}`);
      for (const dependency of resource.DependsOn ?? [])
        if (!declared.has(dependency)) problems.push(`${name}: DependsOn ${dependency}`);
    }
    for (const [name, output] of Object.entries(template.Outputs)) check(`output ${name}`, output);
    check('Conditions', template.Conditions as Json);
    expect(problems).toEqual([]);
  });

  it('keeps unconditional resources from depending on conditional ones outside Fn::If', () => {
    const conditional = new Map(
      Object.entries(template.Resources).flatMap(([name, resource]) =>
        resource.Condition ? [[name, resource.Condition]] : [],
      ),
    );
    const problems: string[] = [];
    for (const [name, resource] of Object.entries(template.Resources)) {
      for (const reference of references(resource.Properties ?? null)) {
        const needed = conditional.get(reference.name);
        if (needed && !reference.insideIf && resource.Condition !== needed)
          problems.push(`${name} → ${reference.name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('routes S3 "Object Created" events of the bucket to the Lambda, with a dead-letter queue', () => {
    const rule = template.Resources.SnapshotCreatedRule?.Properties as Record<string, Json>;
    expect(rule.EventPattern).toMatchObject({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: 'SnapshotBucket' }] } },
    });
    expect(rule.Targets).toMatchObject([
      {
        Arn: { 'Fn::GetAtt': ['IngestFunction', 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
      },
    ]);
    const bucket = template.Resources.SnapshotBucket?.Properties as Record<string, Json>;
    expect(bucket.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    const lambda = template.Resources.IngestFunction?.Properties as Record<string, Json>;
    expect(lambda).toMatchObject({
      Handler: 'index.handler',
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    });
    expect(String(lambda.Runtime)).toMatch(/^nodejs(2[0-9])\.x$/);
  });

  it('grants no wildcard actions or resources in its own IAM statements', () => {
    const statements = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Role')
      .flatMap(
        (role) =>
          (role.Properties as { Policies?: Array<{ PolicyDocument: { Statement: Json[] } }> }).Policies ?? [],
      )
      .flatMap((policy) => policy.PolicyDocument.Statement) as Array<{ Action: Json; Resource: Json }>;
    expect(statements.length).toBeGreaterThan(3);
    for (const statement of statements) {
      expect([statement.Action].flat()).not.toContain('*');
      expect([statement.Resource].flat()).not.toContain('*');
    }
  });

  it("sets the Lambda's variables that the code reads", () => {
    const lambda = template.Resources.IngestFunction?.Properties as {
      Environment: { Variables: Record<string, Json> };
    };
    const sources = readdirSync(new URL('../../src/', import.meta.url), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.includes('.spec.'))
      .map((file) => readFileSync(path.join(new URL('../../src/', import.meta.url).pathname, file), 'utf8'))
      .join('\n');
    const runtimeOwn = new Set(['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']);
    for (const name of Object.keys(lambda.Environment.Variables)) {
      if (!runtimeOwn.has(name)) expect(sources, `${name} is set but never read`).toContain(name);
    }
  });
});
