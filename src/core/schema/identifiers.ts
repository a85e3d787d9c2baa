/**
 * Stable identifiers shared by tests, docs, policies and backends (docs/architecture.md "Contracts").
 * Renaming one is a breaking change for every deployment.
 */
import { z } from 'zod';
import './zod-setup';

export const DESTINATION_CATEGORIES = [
  'cloud_storage',
  'email',
  'messaging',
  'pdf_manager',
  'file_conversion',
  'productivity',
  'social_media',
  'source_code_repository',
  'web_hosting',
  'ai_tools',
  'other',
  'unknown',
] as const;
export const DestinationCategory = z.enum(DESTINATION_CATEGORIES);
export type DestinationCategory = z.infer<typeof DestinationCategory>;

export const SOURCE_CATEGORIES = [
  'business_intelligence',
  'cloud_storage',
  'coding_tools',
  'contract_management',
  'crm',
  'financial_services',
  'hr',
  'marketing',
  'messaging',
  'productivity',
  'source_code_repository',
] as const;
export const SourceCategory = z.enum(SOURCE_CATEGORIES);
export type SourceCategory = z.infer<typeof SourceCategory>;

export const FILE_CATEGORIES = [
  'audio',
  'document',
  'executable',
  'image',
  'pdf',
  'presentation',
  'script',
  'source_code',
  'spreadsheet',
  'video',
  'virtual_disk_image',
  'archive',
  'other',
] as const;
export const FileCategory = z.enum(FILE_CATEGORIES);
export type FileCategory = z.infer<typeof FileCategory>;

export const USER_INDICATORS = ['off_hours', 'first_use_of_destination', 'rare_use_of_destination', 'remote', 'file_mismatch', 'departing_watchlist'] as const;
export const UserIndicator = z.enum(USER_INDICATORS);
export type UserIndicator = z.infer<typeof UserIndicator>;

export const INDICATOR_GROUPS = ['user', 'destination', 'source', 'file'] as const;
export const IndicatorGroup = z.enum(INDICATOR_GROUPS);
export type IndicatorGroup = z.infer<typeof IndicatorGroup>;

export const SEVERITIES = ['none', 'low', 'moderate', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const CHANNELS = ['file_picker', 'drag_drop', 'paste', 'fs_access', 'programmatic'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const BACKEND_FORMATS = ['native', 'splunk_hec', 'xsoar', 'elastic', 'ocsf'] as const;
export const BackendFormat = z.enum(BACKEND_FORMATS);
export type BackendFormat = z.infer<typeof BackendFormat>;
