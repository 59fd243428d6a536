import { describe, expect, it } from 'vitest';
import { checkImageText, cropBox, isRenditionKey, renditionWidths } from './rules.js';

describe('cropBox', () => {
  it('cuts the largest centred box of the ratio by default', () => {
    expect(cropBox(4000, 3000, { ratio: '16:9', focusX: 50, focusY: 50 })).toEqual({ left: 0, top: 375, width: 4000, height: 2250 });
    expect(cropBox(4000, 3000, { ratio: '1:1', focusX: 50, focusY: 50 })).toEqual({ left: 500, top: 0, width: 3000, height: 3000 });
    expect(cropBox(1000, 2000, { ratio: '4:3', focusX: 50, focusY: 50 })).toEqual({ left: 0, top: 625, width: 1000, height: 750 });
  });

  it('keeps the focal point in the middle as far as the edges allow', () => {
    // A face near the top of a portrait: the box moves up, and stops at the edge.
    expect(cropBox(1000, 2000, { ratio: '4:3', focusX: 50, focusY: 25 })).toEqual({ left: 0, top: 125, width: 1000, height: 750 });
    expect(cropBox(1000, 2000, { ratio: '4:3', focusX: 50, focusY: 0 })).toEqual({ left: 0, top: 0, width: 1000, height: 750 });
    expect(cropBox(4000, 3000, { ratio: '1:1', focusX: 100, focusY: 50 })).toEqual({ left: 1000, top: 0, width: 3000, height: 3000 });
  });

  it('takes a picture already of the ratio whole', () => {
    expect(cropBox(1920, 1080, { ratio: '16:9', focusX: 10, focusY: 90 })).toEqual({ left: 0, top: 0, width: 1920, height: 1080 });
  });
});

describe('renditionWidths', () => {
  it('makes each standard width the crop reaches, never wider', () => {
    expect(renditionWidths(4000)).toEqual([320, 640, 960, 1280, 1920]);
    expect(renditionWidths(1000)).toEqual([320, 640, 960]);
    expect(renditionWidths(640)).toEqual([320, 640]);
    expect(renditionWidths(1920)).toEqual([320, 640, 960, 1280, 1920]);
  });

  it('makes a picture well between two widths at its own width too, and a small one at its own width only', () => {
    expect(renditionWidths(500)).toEqual([320, 500]);
    expect(renditionWidths(1700)).toEqual([320, 640, 960, 1280, 1700]);
    expect(renditionWidths(200)).toEqual([200]);
  });
});

describe('isRenditionKey', () => {
  it('serves renditions and nothing else', () => {
    expect(isRenditionKey('images/0123456789abcdef/0123456789ab/640.webp')).toBe(true);
    expect(isRenditionKey('images/0123456789abcdef/0123456789ab/1920.jpg')).toBe(true);
    expect(isRenditionKey('originals/0123456789abcdef0123456789abcdef')).toBe(false);
    expect(isRenditionKey('images/0123456789abcdef/0123456789ab/640.png')).toBe(false);
    expect(isRenditionKey('images/0123456789abcdef/../640.webp')).toBe(false);
    expect(isRenditionKey('images/0123456789abcdef/0123456789ab/')).toBe(false);
  });
});

describe('checkImageText', () => {
  it('requires alt text and bounds every field', () => {
    expect(checkImageText({ alt: '  ', caption: '', credit: '' })).toEqual({ alt: expect.stringMatching(/alt text is required/) });
    expect(checkImageText({ alt: 'A ferry at dawn', caption: 'x'.repeat(1001), credit: 'y'.repeat(201) })).toEqual({
      caption: expect.stringMatching(/at most/),
      credit: expect.stringMatching(/at most/),
    });
    expect(checkImageText({ alt: 'A ferry at dawn', caption: '', credit: '' })).toEqual({});
  });
});
