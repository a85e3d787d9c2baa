/** Human labels for every identifier: used in reasons, the popup and generated docs. */
import type { DestinationCategory, FileCategory, SourceCategory } from '../schema/identifiers';

export const CATEGORY_LABELS: {
  destination: Record<DestinationCategory, string>;
  source: Record<SourceCategory, string>;
  file: Record<FileCategory, string>;
} = {
  destination: {
    cloud_storage: 'cloud storage',
    email: 'email',
    messaging: 'messaging',
    pdf_manager: 'PDF manager',
    file_conversion: 'file conversion',
    productivity: 'productivity',
    social_media: 'social media',
    source_code_repository: 'source code repository',
    web_hosting: 'web hosting',
    ai_tools: 'AI tool',
    other: 'other website',
    unknown: 'unknown destination',
  },
  source: {
    business_intelligence: 'business intelligence',
    cloud_storage: 'cloud storage',
    coding_tools: 'coding tools',
    contract_management: 'contract management',
    crm: 'CRM',
    financial_services: 'financial services',
    hr: 'HR system',
    marketing: 'marketing',
    messaging: 'messaging',
    productivity: 'productivity',
    source_code_repository: 'source code repository',
  },
  file: {
    audio: 'audio',
    document: 'a document',
    executable: 'an executable',
    image: 'an image',
    pdf: 'a PDF',
    presentation: 'a presentation',
    script: 'a script',
    source_code: 'source code',
    spreadsheet: 'a spreadsheet',
    video: 'video',
    virtual_disk_image: 'a virtual disk image',
    archive: 'an archive',
    other: 'an unrecognised file',
  },
};
