import { createHash } from 'node:crypto';

/** The site's one stylesheet, served at a content-hashed URL so browsers may cache it for a year. */
export const SITE_CSS = `
:root{--ink:#1b1b1b;--muted:#4d4d4d;--rule:#e3ded6;--paper:#fffdf9;--accent:#9e1b32;--premium:#695214;--max:72rem}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;background:var(--paper);color:var(--ink);font:1.0625rem/1.6 Georgia,'Times New Roman',serif}
a{color:inherit}
a:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}
.wrap{max-width:var(--max);margin:0 auto;padding:0 1rem}
header.masthead{border-bottom:3px double var(--ink);padding:1rem 0 .5rem;text-align:center}
.masthead .brand{font-size:clamp(1.8rem,5vw,3rem);font-weight:700;text-decoration:none;letter-spacing:-.02em}
.masthead .tagline{color:var(--muted);font-style:italic;margin:.2rem 0}
.masthead .account{text-align:right;font:600 .85rem/1 system-ui,sans-serif}
.masthead .site-search{text-align:right;font:.85rem/1.2 system-ui,sans-serif;margin:.3rem 0}.masthead .site-search input{max-width:12rem}.search-results{list-style:none;padding:0}.search-results li{margin:0 0 1.2rem}.search-results h2{margin:0 0 .2rem;font-size:1.15rem}.search-results mark{background:#fff0a8;color:inherit}.search-form label{font-weight:600}.search-form input[type=search]{width:min(24rem,60%);font:inherit;padding:.45rem .5rem}
nav.sections ul{list-style:none;display:flex;flex-wrap:wrap;justify-content:center;gap:.25rem 1.25rem;padding:.5rem 0;margin:0;font:600 .9rem/1.4 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.04em}
nav.sections a{text-decoration:none}nav.sections a[aria-current]{color:var(--accent)}
main{padding:1.5rem 0 3rem}
h1,h2,h3{line-height:1.2}
.grid{display:grid;gap:1.5rem;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}
.card{border-top:1px solid var(--rule);padding-top:.75rem}
.card h2,.card h3{margin:.2rem 0 .4rem;font-size:1.15rem}.card h2 a,.card h3 a{text-decoration:none}
.card p{margin:0;color:var(--muted);font-size:.95rem}
figure.lead-image{margin:1rem 0}figure.lead-image img,.card-image img{display:block;width:100%;height:auto}
figure.lead-image figcaption{color:var(--muted);font:.85rem/1.4 system-ui,sans-serif;margin-top:.4rem}figure.lead-image .credit{text-transform:uppercase;letter-spacing:.03em;font-size:.75rem}
.card-image{margin-bottom:.5rem}.card-image-address img{aspect-ratio:4/3;object-fit:cover;background:var(--rule)}
.kicker,.card .kicker{font:700 .75rem/1.2 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.06em;color:var(--accent)}
.badge{font:700 .7rem/1 system-ui,sans-serif;text-transform:uppercase;padding:.15rem .35rem;border-radius:2px;background:var(--premium);color:#fff;margin-left:.35rem;vertical-align:middle}
.lead-story h2{font-size:clamp(1.6rem,4vw,2.4rem);margin:.3rem 0}
.lead-story{display:grid;gap:1rem 1.5rem;margin-bottom:1rem}@media (min-width:48rem){.lead-story:has(.card-image){grid-template-columns:3fr 2fr;align-items:center}}.lead-story .card-image{margin:0}.lead-story .byline{border:0;padding:0;margin:.5rem 0 0}
.card .byline{border:0;padding:0;margin:.3rem 0 0}.card.brief h3{font-size:1rem}
.section-block-stories{display:grid;gap:1.5rem}@media (min-width:48rem){.section-block-stories{grid-template-columns:3fr 2fr}}.briefs{display:grid;gap:.75rem;align-content:start}
.dateline-today{font:600 .85rem/1.2 system-ui,sans-serif;color:var(--muted,#555);margin:0 0 .8rem}
.breadcrumbs ol{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem;padding:0;margin:0 0 .5rem;font:.85rem/1.4 system-ui,sans-serif}.breadcrumbs li+li::before{content:"›";margin-right:.25rem;color:var(--muted)}
.archive-periods{list-style:none;padding:0;display:grid;gap:.5rem;grid-template-columns:repeat(auto-fill,minmax(7rem,1fr));font:1rem/1.4 system-ui,sans-serif}.archive-days{grid-template-columns:repeat(auto-fill,minmax(2.75rem,1fr));text-align:center}.archive-periods a{display:block;padding:.35rem;border:1px solid var(--rule)}.archive-periods .empty{display:block;padding:.35rem;color:var(--muted)}.on-this-day{padding-left:1.2rem}
.section-description{color:var(--muted,#555);margin:-.3rem 0 1.2rem;max-width:60ch}
section.block{margin:2rem 0}section.block>h2{font:700 1rem/1 system-ui,sans-serif;text-transform:uppercase;border-bottom:2px solid var(--ink);padding-bottom:.4rem}
article.story{max-width:42rem;margin:0 auto}
article.story h1{font-size:clamp(1.8rem,4.5vw,2.8rem);margin:.3rem 0 .6rem}
.standfirst{font-size:1.2rem;color:var(--muted);margin:0 0 1rem}
.byline{font:.9rem/1.5 system-ui,sans-serif;color:var(--muted);border-top:1px solid var(--rule);border-bottom:1px solid var(--rule);padding:.5rem 0;margin-bottom:1.25rem}
.byline strong{color:var(--ink)}
.disclaimer{font:italic .9rem/1.5 system-ui,sans-serif;color:var(--muted);border-left:3px solid var(--rule);padding-left:.75rem}
.meter-note{font:.9rem/1.4 system-ui,sans-serif;background:#f4efe6;padding:.6rem .8rem;border-radius:4px}
.paywall{position:relative;border:1px solid var(--rule);border-top:4px solid var(--accent);background:#fff;padding:1.5rem;margin:1.5rem 0;font-family:system-ui,sans-serif;text-align:center}
.paywall::before{content:'';position:absolute;left:0;right:0;top:-5rem;height:5rem;background:linear-gradient(rgba(255,253,249,0),var(--paper))}
.paywall h2{font-size:1.3rem;margin:0 0 .5rem}
.paywall .includes-title{font-size:1rem;margin:1.25rem 0 .25rem}.paywall .account-gives{max-width:38rem;margin:.5rem auto}
.paywall-plans{list-style:none;padding:0;margin:1rem 0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr))}.plan-card{border:1px solid var(--rule);padding:.75rem;text-align:left}.plan-card h3{font-size:1.05rem;margin:0 0 .25rem}.plan-card .per-month{font-size:1.3rem;font-weight:700;margin:.25rem 0}.checkout-plan .per-month{margin:1rem 0}.plan-card .price{font-size:.85rem;color:var(--muted);margin:.25rem 0 .75rem}
.button{display:inline-block;background:var(--accent);color:#fff;text-decoration:none;font:700 1rem/1 system-ui,sans-serif;padding:.8rem 1.4rem;border-radius:4px;border:0;cursor:pointer}
.related ul{list-style:none;padding:0;margin:0}.related li{border-top:1px solid var(--rule);padding:.5rem 0}.related .meta{display:block;color:var(--muted);font-size:.85rem}
.ad-slot{border:1px dashed var(--rule);color:var(--muted);font:.75rem/1 system-ui,sans-serif;text-transform:uppercase;text-align:center;padding:2.5rem 0;margin:1.5rem 0}
@media (max-width:40rem){.ad-slot[data-slot=top]{display:none}}
.plans{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));font-family:system-ui,sans-serif}
.plan{border:1px solid var(--rule);background:#fff;padding:1.25rem;border-radius:6px;text-align:center}
.plan .per-month{font-size:2rem;font-weight:800;margin:1rem 0}.plan .price{color:var(--muted)}
.includes{font-family:system-ui,sans-serif;columns:2 16rem}
.pager{display:flex;justify-content:space-between;font-family:system-ui,sans-serif;margin-top:2rem}
footer.site{border-top:1px solid var(--rule);padding:1.5rem 0;color:var(--muted);font:.85rem/1.5 system-ui,sans-serif}
footer.site nav.trust ul{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.2rem 1.2rem}.masthead .brand img.logo{max-height:4rem;max-width:100%;vertical-align:middle}.trust-page{max-width:42rem}
@media print{nav.sections,.ad-slot,.paywall::before,footer.site{display:none}}
/* account pages */
.account-page{max-width:36rem;margin:0 auto;font-family:system-ui,sans-serif}
.account-page h1{font-family:Georgia,'Times New Roman',serif}
.account-page section{margin:1.5rem 0;padding-top:.5rem;border-top:1px solid var(--rule)}
.account-page h2{font-size:1.15rem}
.account-form{margin:1rem 0}
.field{margin:0 0 1rem}
.field label{display:block;font-weight:700;margin-bottom:.25rem}
.field input{width:100%;font:inherit;padding:.6rem;border:2px solid var(--ink);border-radius:3px;background:#fff}
.field input:focus-visible{outline:3px solid var(--accent);outline-offset:1px}
.field .hint{margin:0 0 .3rem;color:var(--muted);font-size:.9rem}
.field.has-error{border-left:4px solid var(--accent);padding-left:.75rem}
.field-error,.form-error{color:var(--accent);font-weight:700;margin:0 0 .3rem}
.form-error{border:2px solid var(--accent);padding:.6rem .8rem;border-radius:3px;background:#fff}
.notice{background:#eef5ec;border-left:4px solid #2e6b30;padding:.6rem .8rem}
.button.secondary{background:#fff;color:var(--ink);border:2px solid var(--ink);padding:.6rem 1rem}
.button.danger{background:#7a1022}
button.button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.inline-form{display:inline}
.device-list{list-style:none;padding:0}
.device{border-top:1px solid var(--rule);padding:.75rem 0;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
.device p{margin:0}.this-device{color:var(--accent);font-weight:700}
.account-details{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}.account-details dt{font-weight:700}.account-details dd{margin:0}
.account-nav{border-top:1px solid var(--rule);margin-top:2rem;padding-top:1rem}
.account-nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1rem}
.account-nav a[aria-current]{font-weight:700;color:var(--accent)}
.dev-banner{background:#fff3c4;border:2px dashed #8a6d1d;padding:.6rem .8rem;font-family:system-ui,sans-serif}
.outbox-email{border-top:1px solid var(--rule);padding:.5rem 0}.outbox-meta{color:var(--muted);font:.9rem/1.4 system-ui,sans-serif}
.outbox-text{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid var(--rule);padding:.75rem;font-size:.9rem}
/* billing pages */
.field select{width:100%;font:inherit;padding:.6rem;border:2px solid var(--ink);border-radius:3px;background:#fff}
.field select:focus-visible,.field input[type=checkbox]:focus-visible{outline:3px solid var(--accent);outline-offset:1px}
.field input[type=checkbox]{width:auto;margin-right:.5rem}.field .inline-label{display:inline;font-weight:600}
.checkout-plan{margin:1rem 0}.auto-renew{background:#f4efe6;padding:.6rem .8rem;border-radius:4px}
.subscription-actions form,.subscription-actions p{margin:.75rem 0}
.plan-options{padding-left:1.2rem}.plan-option{border-top:1px solid var(--rule)}.plan-option .per-month{font-size:1rem;color:var(--muted);font-weight:400}
.invoice-list,.admin-payments{width:100%;border-collapse:collapse;font-size:.95rem}
.invoice-list th,.invoice-list td,.admin-payments th,.admin-payments td{border-bottom:1px solid var(--rule);padding:.4rem .5rem;text-align:left;vertical-align:top}
.num,.invoice-list .num,.admin-payments .num{text-align:right;font-variant-numeric:tabular-nums}
@media (max-width:40rem){.invoice-list thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}.invoice-list tr{display:grid;grid-template-columns:1fr auto;gap:.15rem 1rem;border-bottom:1px solid var(--rule);padding:.5rem 0}.invoice-list th,.invoice-list td{display:block;border:0;padding:0;overflow-wrap:anywhere}.invoice-list td:last-child{grid-column:1/-1}}
.test-gateway{border:4px dashed #0b5cad;background:#eef5ff;padding:1rem;border-radius:6px}
.test-gateway-banner{background:#0b5cad;color:#fff;padding:.6rem .8rem;margin:-1rem -1rem 1rem;font-family:system-ui,sans-serif}
.test-gateway-actions{display:flex;flex-wrap:wrap;gap:.5rem}
.invoice-page{max-width:50rem;margin:0 auto;font-family:system-ui,sans-serif}
.invoice{background:#fff;border:1px solid var(--rule);padding:1.5rem}
.invoice-parties{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr))}
.invoice-meta,.invoice-supply{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}.invoice-meta dd,.invoice-supply dd{margin:0}
.invoice-lines{width:100%;border-collapse:collapse;margin:1rem 0}.invoice-lines th,.invoice-lines td{border-bottom:1px solid var(--rule);padding:.4rem .5rem;text-align:left}
.invoice-lines .num{text-align:right}.invoice-total th,.invoice-total td{font-weight:800;border-top:2px solid var(--ink)}
.admin-page{font-family:system-ui,sans-serif;overflow-x:auto}.refund-form .field{margin:0 0 .5rem}.refund-form .button{font-size:.9rem;padding:.5rem .8rem}
.admin-nav{display:flex;flex-wrap:wrap;gap:.25rem;margin:0 0 1.25rem;padding:.4rem;background:#f3f1ec;border:1px solid var(--rule);border-radius:4px}
.admin-nav a{color:var(--ink);text-decoration:none;padding:.35rem .7rem;border-radius:3px;font-weight:600;font-size:.95rem}
.admin-nav a:hover,.admin-nav a:focus-visible{background:#fff}.admin-nav .admin-home{background:var(--ink);color:#fff}
.admin-links{list-style:none;padding:0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}
.admin-links li{border:1px solid var(--rule);border-radius:4px;padding:.9rem;background:#fff}.admin-links a{font-weight:700;font-size:1.1rem;display:block}
.admin-filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:0 0 1rem;padding:.75rem;background:#f7f6f2;border-radius:4px}
.admin-filters label{display:flex;flex-direction:column;font-size:.85rem;font-weight:600;gap:.2rem}
.admin-filters input,.admin-filters select{font:inherit;font-weight:400;padding:.4rem;border:1px solid var(--ink);border-radius:3px;background:#fff}
.admin-table{width:100%;border-collapse:collapse;font-size:.95rem;margin:0 0 1rem}
.admin-table th{text-align:left;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);border-bottom:2px solid var(--ink);padding:.4rem .5rem}
.admin-table td{border-bottom:1px solid var(--rule);padding:.5rem;vertical-align:top}.admin-table tbody tr:hover{background:#faf9f6}
.admin-table .changes{margin:0;padding-left:1rem}.admin-table .role{color:var(--muted);font-size:.85rem}
.admin-page textarea{width:100%;font:inherit;padding:.6rem;border:2px solid var(--ink);border-radius:3px;background:#fff;line-height:1.5}
.admin-page textarea:focus-visible{outline:3px solid var(--accent);outline-offset:1px}.admin-page .article-form textarea[name=body]{font-family:ui-monospace,monospace;min-height:20rem}
.admin-page .actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;position:sticky;bottom:0;background:var(--paper);padding:.6rem 0;border-top:1px solid var(--rule)}
.article-status{display:inline-block;font-weight:700;font-size:.9rem}
[data-status]::before{content:"";display:inline-block;width:.6rem;height:.6rem;border-radius:50%;margin-right:.35rem;background:#999}
[data-status=published]::before{background:#2a7a3b}[data-status=scheduled]::before{background:#b07d00}[data-status=unpublished]::before{background:#7a1022}
.inline-form{display:inline}.inline-form .button{font-size:.85rem;padding:.35rem .7rem}
.revisions ol{padding-left:1.2rem}.revisions li{margin:.3rem 0}
.diff{background:#f7f6f2;padding:.75rem;border-radius:4px;white-space:pre-wrap;font-size:.9rem}.diff ins{background:#dff3e3;text-decoration:none}.diff del{background:#fbe3e6}
.preview-banner{position:sticky;top:0;z-index:2}
@media print{.invoice-links,header.masthead{display:none}.invoice{border:0}}
`;

export const SITE_CSS_PATH = `/assets/site-${createHash('sha256').update(SITE_CSS).digest('hex').slice(0, 10)}.css`;
