// Issue 16: ordinary pages pulled into an upload category by their own words (page-words.ts,
// page-words-about.ts). Each property of the fallback has a near miss it must leave alone and a true
// case it must keep; the pages come from the kinds in bench/data/destinations-other-dev.tsv.
import { describe, expect, it } from 'vitest';
import { classifyDestination } from '../../../src/core/destinations/classify';
import { classifyByPageWords } from '../../../src/core/destinations/page-words';
import { isArticleAddress, isSearchResults, placedInASite } from '../../../src/core/destinations/page-words-about';

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

const classify = (url: string, title?: string) => classifyDestination({ url, ...(title !== undefined && { title }) });

describe('upload services’ own pages and hosted sites stay `other`', () => {
  it('reads a pricing page or a blog one level down when the title says so beside other words, never a folder', () => {
    expect(classify('https://www.dropbox.com/business/pricing', 'Dropbox Business pricing: Compare plans')).toMatchObject({
      category: 'other',
      serviceId: 'dropbox',
      section: { kind: 'pricing', word: 'pricing' },
    });
    expect(classify('https://www.perplexity.ai/hub/blog/introducing-perplexity-pro', 'Introducing Perplexity Pro | Perplexity Blog')).toMatchObject({
      category: 'other',
      section: { kind: 'blog' },
    });
    // A user's folder one level down: its title is its bare name, or the title is not known.
    expect(classify('https://www.dropbox.com/home/pricing', 'Pricing - Dropbox').category).toBe('cloud_storage');
    expect(classify('https://www.dropbox.com/home/blog').category).toBe('cloud_storage');
    // Other section words stay first-level only.
    expect(classify('https://www.dropbox.com/home/help', 'Team help folder - Dropbox').category).toBe('cloud_storage');
  });

  it("reads the pages a code host or a social network keeps for itself, not its accounts' pages", () => {
    expect(classify('https://github.com/pricing', 'Pricing · Plans for every developer · GitHub')).toMatchObject({
      category: 'other',
      section: { kind: 'pricing' },
    });
    expect(classify('https://github.com/about/careers', 'Careers · GitHub')).toMatchObject({ category: 'other', section: { kind: 'company' } });
    expect(classify('https://github.com/acme/pricing', 'acme/pricing: price tables').category).toBe('source_code_repository');
    expect(classify('https://github.com/docs/docs', 'github/docs').category).toBe('source_code_repository');
    expect(classify('https://github.com/blog').category).toBe('source_code_repository');
  });

  it("reads a portal's magazine as its news", () => {
    expect(classify('https://www.gmx.net/magazine/digital/', 'Digital-News | GMX')).toMatchObject({ category: 'other', section: { kind: 'news' } });
    expect(classify('https://www.gmx.net/', 'GMX: E-Mail, FreeMail, Themen- & Shopping-Portal').category).toBe('email');
  });

  it("reads a customer's site on a web hosting service as the customer's, and keeps the service's own back office", () => {
    expect(classify('https://requests.readthedocs.io/en/latest/', 'Requests documentation')).toMatchObject({
      category: 'other',
      serviceId: 'readthedocs',
      section: { kind: 'tenant', word: 'requests' },
    });
    expect(classify('https://acme.netlify.app/').section?.reason).toBe('acme.netlify.app is a site hosted on Netlify, not Netlify itself');
    expect(classify('https://acme.blogspot.com/2025/01/hello.html').category).toBe('other');
    expect(classify('https://readthedocs.org/dashboard/').category).toBe('web_hosting');
    expect(classify('https://app.netlify.com/drop', 'Netlify Drop').category).toBe('web_hosting');
    expect(classify('https://www.pythonanywhere.com/user/acme/files/').category).toBe('web_hosting');
    expect(classify('https://www.blogger.com/blog/posts/1234').category).toBe('web_hosting');
  });
});

describe('page words: results pages, articles and vendors’ sites', () => {
  it('takes no words from the title of a results page, but still an application route', () => {
    expect(isSearchResults('https://www.qwant.com/?q=mp4+to+mp3')).toBe(true);
    expect(isSearchResults('https://shop.example/?page=2&s=heic+to+jpg')).toBe(true);
    expect(isSearchResults('https://tool.example/?lang=de')).toBe(false);
    expect(isSearchResults('https://tool.example/#/x?q=1')).toBe(false);
    expect(isSearchResults('https://tool.example/?q=')).toBe(false);
    expect(classify('https://www.qwant.com/?q=mp4+to+mp3', 'mp4 to mp3 - Qwant')).toMatchObject({ category: 'other', matchedBy: 'none' });
    expect(classify('https://convert.example/?lang=de', 'MP4 to MP3 Converter')).toMatchObject({ category: 'file_conversion', matchedBy: 'page' });
    expect(classify('https://git.acme.example/acme/app/-/issues?search=upload', 'Issues · acme / app')).toMatchObject({
      category: 'source_code_repository',
      matchedBy: 'page',
    });
  });

  it('takes no webmail from a /webmail/ address whose title heads an article, but from a webmail login', () => {
    expect(rule('www.netzwelt.de', '/webmail/index.html', 'Webmail: Anbieter, Sicherheit und Alternativen | netzwelt')).toBeUndefined();
    expect(rule('www.isp.example', '/webmail/', 'Webmail Login')).toBe('webmail_title');
    expect(rule('www.isp.example', '/webmail/', 'Anmelden | ISP')).toBe('webmail_path');
    // GitLab's and WordPress's routes are nobody's topic: they still name the application.
    expect(rule('www.site.example', '/wp-admin/upload.php', 'Webmail: Anbieter und Alternativen ‹ Site — WordPress')).toBe('wp_admin_path');
  });

  it("takes no self-hosted product from an article's address or from the vendor's own site", () => {
    expect(isArticleAddress('/tests/synology-diskstation-ds224-im-test-9000000.html')).toBe(true);
    expect(isArticleAddress('/acme/my-long-repo-name')).toBe(false);
    expect(isArticleAddress('/index.php/apps/files/')).toBe(false);
    expect(classify('https://www.heise.de/tests/Synology-DiskStation-DS224-im-Test-9000000.html', 'Synology DiskStation - heise online').category).toBe(
      'other',
    );
    expect(classify('https://bigbluebutton.org/', 'BigBlueButton - Virtual Classroom Software').category).toBe('other');
    expect(classify('https://nas.acme.example:5001/', 'Synology DiskStation - nas')).toMatchObject({ serviceId: 'synology_dsm', matchedBy: 'title' });
    expect(classify('https://meet.school.example/b/ann-x7k-2pq', 'BigBlueButton - Ann’s room')).toMatchObject({ serviceId: 'bigbluebutton' });
  });
});

describe('page words: a page a site files under the words its title names', () => {
  const never = () => false;

  it("reads an institution's page about one of its services as a page of its site, not the service", () => {
    expect(rule('www.it.ox.ac.uk', '/cloud-storage', 'Cloud storage | IT Services')).toBeUndefined();
    expect(rule('www.ato.gov.au', '/online-services/send-large-files', 'Send large files | Australian Taxation Office')).toBeUndefined();
    expect(rule('its.unc.edu', '/pdf-tools/', 'PDF tools | Information Technology Services')).toBeUndefined();
    expect(rule('www.uni-koeln.de', '/it/cloud-storage', 'Cloud Storage | Universität zu Köln')).toBeUndefined();
    // The service on a host of its own, at its front page, is the service.
    expect(rule('bigfiles.example.ac.uk', '/', 'Send large files | Example University')).toBe('file_transfer_title');
    expect(rule('filesender.example.edu', '/index.php', 'Send large files | Example University')).toBe('file_transfer_title');
    // An institution's webmail route still names it.
    expect(rule('www.example.edu', '/webmail/', 'Webmail | Example University')).toBe('webmail_path');
  });

  it('reads a page two segments deep whose last segment spells the words as filed under them: tags, topics, forum threads', () => {
    expect(rule('techcrunch.com', '/tag/ai-assistant/', 'AI assistant | TechCrunch')).toBeUndefined();
    expect(rule('www.golem.de', '/specials/cloud-storage/', 'Cloud Storage - Golem.de')).toBeUndefined();
    expect(rule('www.theregister.com', '/tag/file_sharing/', 'file sharing • The Register')).toBeUndefined();
    expect(rule('www.visitscotland.com', '/inspiration/share-your-photos', 'Share your photos | VisitScotland')).toBeUndefined();
    expect(rule('www.tenforums.com', '/general-support/200000-send-large-files.html', 'Send large files - Windows 10 Forums')).toBeUndefined();
    // A tool at the top of its site, under a locale, filed by kind with its own slug, or under a tools folder.
    expect(rule('sendbig.example', '/send-large-files', 'Send large files | SendBig')).toBe('file_transfer_title');
    expect(rule('vault.example.io', '/de/cloud-storage', 'Cloud Storage | Vault')).toBe('file_transfer_title');
    expect(rule('www.aconvert.example', '/image/heic-to-jpg/', 'HEIC to JPG | AConvert')).toBe('format_pair_title');
    expect(rule('www.pdfsuite.example', '/tools/pdf-editor', 'PDF Editor | PDF Suite')).toBe('pdf_title');
    // An application's deep route is not named for the title's words.
    expect(rule('chat.example.ai', '/app/chat/123', 'AI Chat | Example')).toBe('ai_title');
  });

  it('spells the words as a slug, whole', () => {
    expect(placedInASite('news.example', '/tag/ai-assistant', 'AI assistant', never)).toBe(true);
    expect(placedInASite('news.example', '/tag/ai', 'AI assistant', never)).toBe(false);
    expect(placedInASite('news.example', '/ai-assistant', 'AI assistant', never)).toBe(false);
    expect(placedInASite('news.example', '/en/ai-assistant', 'AI assistant', never)).toBe(false);
  });

  it('knows forum, encyclopedia, definition, dictionary and desktop-software titles as being about the words', () => {
    expect(rule('www.sevenforums.com', '/', 'PDF editor - Windows 7 Forums')).toBeUndefined();
    expect(rule('www.encyclopedia.com', '/', 'File Sharing | Encyclopedia.com')).toBeUndefined();
    expect(rule('www.any-video-converter.com', '/', 'Any Video Converter - Free Video Converter for Windows and Mac')).toBeUndefined();
    expect(rule('www.linuxquestions.org', '/questions/linux-software-2/x', 'File sharing - LinuxQuestions.org')).toBeUndefined();
    expect(
      rule('www.linguee.de', '/deutsch-englisch/uebersetzung/file+transfer.html', 'file transfer - Deutsch-Übersetzung – Linguee Wörterbuch'),
    ).toBeUndefined();
    expect(rule('www.dict.example', '/', 'cloud storage - Traduction en français')).toBeUndefined();
    expect(rule('uebersend.example', '/', 'Übersend - Send large files')).toBe('file_transfer_title');
    // A web tool's title does not say which desktop it runs on.
    expect(rule('videoconverter.example', '/', 'Free Video Converter | VideoConverter')).toBe('format_pair_title');
  });
});
