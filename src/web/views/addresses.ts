/** The address of a tag's page (`/tag/<tag>`, the tag percent-encoded). */
export const tagPath = (tag: string): string => `/tag/${encodeURIComponent(tag)}`;
