/** The xenpriv library API: everything the CLI does is available from here. */
export { loadCatalogue, loadCataloguePath, shippedVersions } from "./catalog/load-catalogue.js";
export type { Catalogue, Check, Hook, LookupInfo, Operation } from "./catalog/schema.js";
export { CatalogueSchema, OperationSchema } from "./catalog/schema.js";
export type { Diagnostic, Severity } from "./core/diagnostic.js";
export { InputError } from "./core/errors.js";
export type { Span } from "./core/span.js";
export type {
  DeviceTree,
  DtCell,
  DtLabel,
  DtMemReserve,
  DtNode,
  DtProperty,
  DtReference,
  DtValueLabel,
  DtValuePiece,
} from "./devicetree/device-tree.js";
export {
  findNode,
  getProperty,
  nodeByLabel,
  nodeByPath,
  nodeByPhandle,
  parentOf,
} from "./devicetree/find-node.js";
export { loadDeviceTree } from "./devicetree/load-device-tree.js";
export { type ParseDtsOptions, parseDts, parseDtsFile } from "./devicetree/parse-dts.js";
export { type DtbHeader, readDtb, readDtbFile } from "./devicetree/read-dtb.js";
export {
  propertyNumbers,
  propertyString,
  propertyStrings,
  propertyU32,
  propertyU32s,
  propertyU64,
} from "./devicetree/read-property.js";
export { type WriteDtbOptions, writeDtb } from "./devicetree/write-dtb.js";
export { ACTIONS, type Action } from "./model/action.js";
export { type Arch, type BuildFacts, DEFAULT_BUILD } from "./model/build.js";
export type { Decision, Step, Verdict } from "./model/decision.js";
export { type Capabilities, type Domain, makeDomain, systemDomain } from "./model/domain.js";
export type { System } from "./model/system.js";
export { findSection } from "./pe/find-section.js";
export {
  type CertificateTable,
  type CoffHeader,
  type DataDirectory,
  type OptionalHeader,
  type PeImage,
  type PeSection,
  readPe,
  readPeFile,
} from "./pe/read-pe.js";
export { sectionBytes } from "./pe/section-bytes.js";
export { getPolicy, listPolicies, POLICY_NAMES } from "./policy/registry.js";
export type { HookCall, PolicyModule } from "./policy/types.js";
export { asBuilt, type Mismatch } from "./query/as-built.js";
export { type Cell, cellLabel, cellOf, cellsOfDomain } from "./query/cells.js";
export { DecisionIndex } from "./query/decision-index.js";
export { type Change, type DiffResult, diffModels } from "./query/diff.js";
export { evaluate } from "./query/evaluate.js";
export { buildModel, type Model, resolveDomain, resolveOp } from "./query/model.js";
export {
  type ContradictingCall,
  diffVersions,
  hasChanges,
  type VersionChange,
  type VersionDiff,
} from "./query/version-diff.js";
export { type ApplySbatPolicyResult, applySbatPolicy } from "./sbat/apply-sbat-policy.js";
export { type CheckSbatOptions, checkSbat, type SbatCheck } from "./sbat/check-sbat.js";
export { type GenerateSbatOptions, generateSbat } from "./sbat/generate-sbat.js";
export { type ImageSbat, imageSbat } from "./sbat/image-sbat.js";
export { parseSbat, SBAT_HEADER, type SbatRecord, type SbatSection } from "./sbat/parse-sbat.js";
export { type BumpRecommendation, levelRequirements, recommendBump } from "./sbat/recommend-bump.js";
export { LEVEL_POLICIES, resolveSbatLevel } from "./sbat/resolve-sbat-level.js";
export { parseSbatLevel, SBAT_VAR_ORIGINAL, type SbatLevel } from "./sbat/sbat-level.js";
export { loadSbatLevels } from "./sbat/sbat-levels.js";
export { type ShimPayloads, shimPayloads } from "./sbat/shim-payloads.js";
export { type ArmIommu, armIommu } from "./system/arm-iommu.js";
export { checkBootRules } from "./system/boot-rules.js";
export {
  type BootDomain,
  type BootModule,
  type DeviceTreeSystem,
  type DeviceTreeSystemOptions,
  systemFromDeviceTree,
} from "./system/device-tree-system.js";
export { loadDeviceTreeSystem, loadSystemFile, loadSystemText } from "./system/load-system.js";
