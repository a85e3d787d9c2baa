/**
 * The one loader of the built-in catalog's data files (catalog.ts validates what it returns).
 * catalog.json holds the first hand-curated services; catalog/curated/ the later hand-curated ones,
 * one file per kind; catalog/lists/ the entries imported from public category lists, written by
 * scripts/catalog/import-lists.ts from a snapshot (never edited by hand); catalog/sources.json
 * declares those lists with their licence and the snapshot taken.
 */
import core from './catalog.json';
import aiTools from './catalog/curated/ai-tools.json';
import cloudStorage from './catalog/curated/cloud-storage.json';
import conversion from './catalog/curated/conversion.json';
import email from './catalog/curated/email.json';
import messaging from './catalog/curated/messaging.json';
import other from './catalog/curated/other.json';
import productivity from './catalog/curated/productivity.json';
import sections from './catalog/curated/sections.json';
import selfHosted from './catalog/curated/self-hosted.json';
import social from './catalog/curated/social.json';
import sourceCode from './catalog/curated/source-code.json';
import webHosting from './catalog/curated/web-hosting.json';
import ut1 from './catalog/lists/ut1.json';
import v2fly from './catalog/lists/v2fly.json';
import sources from './catalog/sources.json';

const FILES: readonly { services: readonly unknown[] }[] = [
  core,
  cloudStorage,
  email,
  messaging,
  conversion,
  productivity,
  social,
  sourceCode,
  webHosting,
  aiTools,
  other,
  selfHosted,
  sections,
  ut1,
  v2fly,
];

/** Unvalidated: `{ version, lists, services }`, the services of every file in the order above. */
export const CATALOG_FILES: unknown = { version: core.version, lists: sources.lists, services: FILES.flatMap((f) => f.services) };
