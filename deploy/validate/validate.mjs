// Validates every object of a rendered kustomization (a multi-document YAML file) against the Kubernetes JSON schemas
// that the npm package kubernetes-models ships (types, enums, required fields; unknown fields are not reported).
// Usage: node validate.mjs rendered.yaml   (with kubernetes-models and js-yaml resolvable, see validate-manifests.sh)
import fs from 'node:fs';
import yaml from 'js-yaml';

const docs = yaml.loadAll(fs.readFileSync(process.argv[2], 'utf8')).filter(Boolean);
let invalid = 0;
for (const doc of docs) {
  const name = `${doc.kind}/${doc.metadata?.name}`;
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : [null, doc.apiVersion];
  let Model;
  try {
    const module = await import(`kubernetes-models/${group ? group + '/' : ''}${version}/${doc.kind}`);
    Model = module[doc.kind] ?? module.default;
  } catch {
    invalid++;
    console.log(`UNKNOWN ${name}: no schema for ${doc.apiVersion} ${doc.kind}`);
    continue;
  }
  try {
    new Model(doc).validate();
    console.log(`valid   ${name}`);
  } catch (error) {
    invalid++;
    console.log(`INVALID ${name}: ${error.message}`);
  }
}
console.log(`${docs.length - invalid} valid, ${invalid} invalid`);
process.exit(invalid === 0 ? 0 : 1);
