/** The MAIN-world hooks, in every frame at document_start (see src/content/content-scripts.ts). */
import { startPageHooks } from '../main-world/start';

startPageHooks(window);
