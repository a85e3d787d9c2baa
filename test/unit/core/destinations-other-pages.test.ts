// Issue 16: ordinary pages pulled into an upload category by their own words (page-words.ts,
// page-words-about.ts). Each property of the fallback has a near miss it must leave alone and a true
// case it must keep; the pages come from the kinds in bench/data/destinations-other-dev.tsv.
import { describe, expect, it } from 'vitest';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { classifyByPageWords } from '../../../src/core/destinations/page-words';

const rule = (host: string, path: string, title: string) => classifyByPageWords(host, path, title)?.rule;

describe('page words: ordinary pages stay `other`', () => {
  it('reads "<words>: <prose>" as an article headed by the words, not a tool named by them', () => {
    expect(rule('www.techportal.example', '/', 'Webmail: Anbieter, Sicherheit und Alternativen | Techportal')).toBeUndefined();
    expect(rule('www.techportal.example', '/', 'File transfer : comment envoyer des fichiers lourds - Clubic')).toBeUndefined();
    expect(rule('www.techportal.example', '/', 'AI Chatbot: los asistentes gratis')).toBeUndefined();
    // A tool goes on about itself after the colon, or says nothing more.
    expect(rule('pdfly.example', '/', 'PDF Editor: Edit PDF files online | Pdfly')).toBe('pdf_title');
    expect(rule('drop.example.co', '/', 'Drop: Secure file sharing')).toBe('file_transfer_title');
    expect(rule('heic.example', '/', 'HEIC to JPG: free online converter')).toBe('format_pair_title');
  });

  it('knows article and encyclopedia markers in other languages', () => {
    expect(rule('pt.encyclopedia.example', '/', 'Webmail – Wikipédia, a enciclopédia livre')).toBeUndefined();
    expect(rule('fr.encyclopedia.example', '/', 'Image hosting — Wikipédia')).toBeUndefined();
    expect(rule('www.magazin.example', '/', 'Cloud Storage - die besten Anbieter')).toBeUndefined();
    expect(rule('www.revista.example', '/', 'Conversor PDF - os melhores programas')).toBeUndefined();
    // Words that merely look alike are not markers: "Beste" is a name here, not "the best".
    expect(rule('bestefiles.example', '/', 'Bestefiles - Send large files')).toBe('file_transfer_title');
    expect(rule('imgpost.example', '/', 'Imgpost | Free image hosting')).toBe('file_transfer_title');
  });

  it("reads a year in brackets as a work's title (a film, a book), not a tool", () => {
    expect(rule('www.moviedb.example', '/', 'File Transfer (2023) - MovieDB')).toBeUndefined();
    expect(rule('sendbig.example', '/', 'SendBig - Send large files up to 2023 MB')).toBe('file_transfer_title');
  });

  it("does not read a shop's product, a film's page, a job ad or a wiki entry as the tool its title names", () => {
    expect(rule('www.hikvision.com', '/en/products/cloud-storage/', 'Cloud Storage | Hikvision')).toBeUndefined();
    expect(rule('www.ebay.de', '/b/cloud-storage/123', 'Cloud Storage | eBay')).toBeUndefined();
    expect(rule('www.netflix.com', '/title/81000001', 'AI Assistant | Netflix')).toBeUndefined();
    expect(rule('www.jobs.example', '/viewjob', 'AI Writer - Remote')).toBeUndefined();
    expect(rule('wiki.acme.example', '/wiki/Webmail', 'Webmail')).toBeUndefined();
    // The same titles at a tool's own address still name it.
    expect(rule('vault.example.io', '/', 'Cloud Storage | Vault')).toBe('file_transfer_title');
    expect(rule('assist.example', '/en/app', 'AI Assistant | Assist')).toBe('ai_title');
  });

  it("takes no tool slug from the address of a page whose title is about something, but still an application's route", () => {
    expect(rule('www.pdfhints.example', '/merge-pdf', 'How to merge PDFs in three steps - PDF Hints')).toBeUndefined();
    expect(rule('www.moviedb.example', '/heic-to-jpg', 'Heic to Jpg (2021) - MovieDB')).toBeUndefined();
    expect(rule('pdfkit.example', '/merge-pdf', 'PDFKit')).toBe('pdf_path');
    expect(rule('news.acme.example', '/wp-admin/upload.php', 'Media Library ‹ How to write news — WordPress')).toBe('wp_admin_path');
  });

  it('leaves such pages `other` through the classifier, and keeps naming the tools', () => {
    expect(
      classifyDestination({ url: 'https://www.tweakers.net/reviews/12345/cloud-storage.html', title: 'Cloud Storage: zeven diensten getest - Tweakers' }),
    ).toMatchObject({
      category: 'other',
      matchedBy: 'none',
    });
    expect(classifyDestination({ url: 'https://www.imdb.com/title/tt9000001/', title: 'File Transfer (2023) - IMDb' }).category).toBe('other');
    expect(classifyDestination({ url: 'https://pdfmagic.example/', title: 'PDF to Word Converter – 100% free' })).toMatchObject({
      category: 'pdf_manager',
      matchedBy: 'page',
    });
  });

  it("takes no self-hosted product from a title that is its encyclopedia entry or a review, and keeps the product's own titles", () => {
    expect(classifyDestination({ url: 'https://en.wikipedia.org/wiki/BigBlueButton', title: 'BigBlueButton - Wikipedia' })).toMatchObject({
      category: 'other',
    });
    expect(classifyDestination({ url: 'https://de.wikipedia.org/wiki/Gitblit', title: 'Gitblit – Wikipédia' }).category).toBe('other');
    expect(
      classifyDestination({ url: 'https://www.g2.com/products/sftpgo/reviews', title: 'SFTPGo Reviews 2025: Details, Pricing, & Features | G2' }).category,
    ).toBe('other');
    expect(classifyDestination({ url: 'https://meet.school.example/', title: 'BigBlueButton - Room 12' })).toMatchObject({
      serviceId: 'bigbluebutton',
      matchedBy: 'title',
    });
    expect(classifyDestination({ url: 'https://review.acme.example/', title: 'Gerrit Code Review' })).toMatchObject({ matchedBy: 'title' });
  });
});
