/** Deterministic generator of invented demo content for seeding a Masthead site. */
export { DEMO_SECTIONS } from './sections.js';
export { generateDemoArticles, type DemoOptions } from './generator.js';
