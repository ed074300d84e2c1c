/**
 * The xenpriv library API: every query the CLI runs is a function here that returns data (check,
 * who-can, what-can, matrix, diff, lint, cmdline, sbat, privcmd, extract, report data).
 */
export { loadCatalogue, loadCataloguePath, shippedVersions } from "./catalog/load-catalogue.js";
export type { Catalogue, Check, Hook, LookupInfo, Operation } from "./catalog/schema.js";
export { CatalogueSchema, OperationSchema } from "./catalog/schema.js";
export { analyseCmdline, type CmdlineAnalysis } from "./cmdline/analyse-cmdline.js";
export type { CommandLineAnalysis, TokenReport } from "./cmdline/analyse-command-line.js";
export type { BootSources } from "./cmdline/assemble-command-line.js";
export { bootSources, type CmdlineOptions } from "./cmdline/boot-sources.js";
export { loadOptionCatalogue } from "./cmdline/load-option-catalogue.js";
export { LOCKDOWN_MODEL_IDS, LOCKDOWN_MODELS } from "./cmdline/lockdown-models.js";
export { readChosen } from "./cmdline/read-chosen.js";
export { type RuntimeParameters, runtimeParameters } from "./cmdline/runtime-parameters.js";
export { SAFE_LIST_IDS, SAFE_LISTS } from "./cmdline/safe-lists.js";
export { ukiConfig } from "./cmdline/uki-config.js";
export { type UkiInfo, ukiInfo } from "./cmdline/uki-info.js";
export { parseXenConfig, readXenConfig, type XenConfig } from "./cmdline/xen-config.js";
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
export { catalogueFrom } from "./extract/catalogue-from.js";
export { type ExtractOptions, extractCatalogue } from "./extract/extract-catalogue.js";
export { extractOptionCatalogue } from "./extract/extract-option-catalogue.js";
export { treeMeta } from "./extract/tree-meta.js";
export { type LintOptions, type LintResult, lintSystem } from "./lint/lint-system.js";
export type { Finding } from "./lint/rule.js";
export { RULES } from "./lint/rules.js";
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
export type { DomainNeeds } from "./privcmd/check-needs.js";
export { type ClassifiedOp, classify } from "./privcmd/classify.js";
export { type Decision as PrivcmdDecision, evaluateCall } from "./privcmd/evaluate-call.js";
export { renderFilterHeader } from "./privcmd/filter-header.js";
export { renderFilterListing } from "./privcmd/filter-listing.js";
export { buildFilterProgram, type FilterProgram } from "./privcmd/filter-program.js";
export type { PrivcmdCall, PrivcmdContext } from "./privcmd/privcmd-call.js";
export { type PrivcmdCheck, type PrivcmdCheckOptions, privcmdCheck } from "./privcmd/privcmd-check.js";
export { type ClassifyOptions, privcmdClassify } from "./privcmd/privcmd-classify.js";
export { type EmuOptions, type PrivcmdEmu, privcmdEmu } from "./privcmd/privcmd-emu.js";
export { type PrivcmdFacts, privcmdFacts, xsmCatalogue } from "./privcmd/privcmd-facts.js";
export { privcmdProfile } from "./privcmd/privcmd-profile.js";
export type { Profile } from "./privcmd/profile.js";
export { asBuilt, type Mismatch } from "./query/as-built.js";
export { type Cell, cellLabel, cellOf, cellsOfDomain } from "./query/cells.js";
export { type CheckOptions, type CheckResult, check } from "./query/check.js";
export { DecisionIndex } from "./query/decision-index.js";
export { type Change, type DiffResult, diffModels } from "./query/diff.js";
export { diffCatalogues } from "./query/diff-catalogues.js";
export { diffPolicies, type PolicyDiff } from "./query/diff-policies.js";
export { type DiffChanged, type DiffEntry, type Difference, difference } from "./query/difference.js";
export { evaluate } from "./query/evaluate.js";
export {
  builtinSystemPath,
  loadModel,
  loadModels,
  loadSystem,
  type ModelOptions,
  modelsOf,
  type PolicyChoice,
  type SystemOptions,
  systemPolicy,
} from "./query/load-models.js";
export { type Matrix, matrix } from "./query/matrix.js";
export { buildModel, type Model, resolveDomain, resolveOp } from "./query/model.js";
export { opFilter } from "./query/op-filter.js";
export { POLICY_KINDS, type PolicyKind } from "./query/policy-kinds.js";
export { type PolicyOptions, resolvePolicy } from "./query/resolve-policy.js";
export { resolveBuiltinPolicy, treePolicy } from "./query/tree-policy.js";
export {
  type ContradictingCall,
  diffVersions,
  hasChanges,
  type VersionChange,
  type VersionDiff,
} from "./query/version-diff.js";
export { type WhatCan, whatCan } from "./query/what-can.js";
export { type WhoCan, type WhoCanAll, type WhoCanOn, whoCan } from "./query/who-can.js";
export { renderHtmlReport } from "./report/html-report.js";
export { buildReportData, type ReportData } from "./report/report-data.js";
export { type Report, type ReportOptions, reportOf } from "./report/report-of.js";
export { type ApplySbatPolicyResult, applySbatPolicy } from "./sbat/apply-sbat-policy.js";
export { type CheckSbatOptions, checkSbat, type SbatCheck } from "./sbat/check-sbat.js";
export { type GenerateSbatOptions, generateSbat } from "./sbat/generate-sbat.js";
export { type ImageSbat, imageSbat } from "./sbat/image-sbat.js";
export { parseSbat, SBAT_HEADER, type SbatRecord, type SbatSection } from "./sbat/parse-sbat.js";
export { type BumpRecommendation, levelRequirements, recommendBump } from "./sbat/recommend-bump.js";
export { LEVEL_POLICIES, resolveSbatLevel } from "./sbat/resolve-sbat-level.js";
export {
  type SbatCheckOptions,
  type SbatImageCheck,
  sbatImageCheck,
} from "./sbat/sbat-image-check.js";
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
