/**
 * Word banks for the demo generator. Every company, person, firm, agency and index here is invented;
 * cities, states and countries are real places. Templates use `{key}` placeholders filled from the
 * article context (`{Key}` capitalises the value).
 */

/**
 * The years a thing belongs to, so the archive reads like its time: from `since` up to, not including, `until`
 * (no startup selling AI tools in 1999, no Telangana before it was a state).
 */
export interface Era {
  since?: number;
  until?: number;
}

/** Whether `item` belongs to `year`. */
export const ofItsTime = (item: Era, year: number): boolean => (item.since ?? 0) <= year && year < (item.until ?? Infinity);

/** A family of stories: templates that read coherently together. */
export interface StoryKind extends Era {
  section: string;
  tags: string[];
  /** Draw the featured company from the startups. */
  startup?: boolean;
  /** Only feature companies from these sectors. */
  sectors?: string[];
  /** Set the dateline to the city of the state the story is about. */
  local?: boolean;
  /** The day's market figure the story reports, whose move its verbs follow (the index, or crude). */
  follows?: 'index' | 'oil';
  /** Mix in `GENERIC_PARAGRAPHS` (default true). */
  generic?: boolean;
  headlines: string[];
  standfirsts: string[];
  /** In reading order; the first one always leads. */
  paragraphs: string[];
  subheads: string[];
  bullets?: string[];
}

export interface Company extends Era {
  name: string;
  sector: string;
}

/** A name that belongs to some years only. */
export interface Dated extends Era {
  name: string;
}

export const COMPANIES: Company[] = [
  { name: 'Kaveri Steel', sector: 'steel' },
  { name: 'Deccan Mobility', sector: 'automobile' },
  { name: 'Tungabhadra Cement', sector: 'cement' },
  { name: 'Indrayani Power', sector: 'power' },
  { name: 'Konark Looms', sector: 'textile' },
  { name: 'Meghdoot Pharma', sector: 'pharmaceutical' },
  { name: 'Palash Foods', sector: 'consumer goods' },
  { name: 'Tapti Chemicals', sector: 'chemicals' },
  { name: 'Saptarishi Bank', sector: 'banking' },
  { name: 'Vahini Capital', sector: 'non-bank lending' },
  { name: 'Saraswati Softworks', sector: 'IT services' },
  { name: 'Nilgiri Cloud Systems', sector: 'IT services', since: 2008 },
  { name: 'Ganga Freightlines', sector: 'logistics' },
  { name: 'Marwar Solar', sector: 'renewable energy', since: 2009 },
  { name: 'Jharokha Telecom', sector: 'telecom' },
  { name: 'Aravalli Estates', sector: 'real estate' },
  { name: 'Sindhu Skyways', sector: 'aviation' },
  { name: 'Ashoka Highways', sector: 'infrastructure' },
  { name: 'Kalinga Minerals', sector: 'mining' },
  { name: 'Konkan Shipping', sector: 'shipping' },
  { name: 'Hampi Hotels', sector: 'hospitality' },
  { name: 'Shikra Aerosystems', sector: 'defence' },
  { name: 'Bhima Tyres', sector: 'automobile' },
  { name: 'Brahmaputra Tea Estates', sector: 'plantation' },
  { name: 'Sabari Fertilisers', sector: 'fertiliser' },
  { name: 'Ujjwal Cells', sector: 'battery', since: 2015 },
];

export const STARTUPS: Company[] = [
  { name: 'Paisa Setu', sector: 'fintech', since: 2012 },
  { name: 'Mandi Mart', sector: 'e-commerce', since: 1999 },
  { name: 'Krishi Grid', sector: 'agritech', since: 2015 },
  { name: 'Tiffin Route', sector: 'food delivery', since: 2014 },
  { name: 'Vidya Loop', sector: 'edtech', since: 2012 },
  { name: 'Swasth Labs', sector: 'healthtech', since: 2015 },
  { name: 'Gaadi Share', sector: 'mobility', since: 2011 },
  { name: 'Dukaan Ledger', sector: 'software' },
  { name: 'Sutradhar Infotech', sector: 'software' },
  { name: 'Chakra Robotics', sector: 'deep-tech', since: 2016 },
  { name: 'Nanha Finance', sector: 'fintech', since: 2012 },
];

export const FIRST_NAMES = [
  'Aarti',
  'Rohan',
  'Meera',
  'Vikram',
  'Nandini',
  'Arjun',
  'Kavya',
  'Siddharth',
  'Ishita',
  'Farhan',
  'Priyanka',
  'Rahul',
  'Shreya',
  'Anirudh',
  'Zoya',
  'Karthik',
  'Lakshmi',
  'Devesh',
  'Tanvi',
  'Imran',
  'Gauri',
  'Harish',
  'Nikhil',
  'Pooja',
  'Suresh',
  'Anjali',
  'Joseph',
  'Ritu',
  'Manpreet',
  'Sameer',
];

export const LAST_NAMES = [
  'Kulkarni',
  'Iyer',
  'Bhattacharya',
  'Menon',
  'Reddy',
  'Deshpande',
  'Chatterjee',
  'Nair',
  'Sethi',
  'Rao',
  'Khanna',
  'Banerjee',
  'Pillai',
  'Joshi',
  'Qureshi',
  'Fernandes',
  'Gill',
  'Mehta',
  'Saxena',
  'Hegde',
  'Dutta',
  'Patil',
  'Chawla',
  'Krishnan',
  'Bose',
  'Thakur',
  'Varghese',
  'Ahluwalia',
  'Shetty',
  'Mishra',
];

/** The (invented) central bank's governors, one at a time. */
export const GOVERNORS: Dated[] = [
  { name: 'Narayan Apte', until: 2002 },
  { name: 'Sumitra Gokhale', since: 2002, until: 2007 },
  { name: 'Prabhakar Iyengar', since: 2007, until: 2012 },
  { name: 'Rukmini Shastri', since: 2012, until: 2017 },
  { name: 'Vinod Bhandarkar', since: 2017, until: 2021 },
  { name: 'Anupama Raghavan', since: 2021 },
];

export const COLUMNISTS = [
  'Radhika Sen',
  'Vivek Anand Rao',
  'Kamala Subramanian',
  'Aditya Merchant',
  'Farida Lokhandwala',
  'Prakash Venugopal',
];

export const INDIAN_CITIES = ['Mumbai', 'New Delhi', 'Bengaluru', 'Chennai', 'Kolkata', 'Hyderabad', 'Pune', 'Ahmedabad'];

/** Foreign datelines for World stories, with the country named in the text. */
export const FOREIGN_PLACES: { city: string; country: string }[] = [
  { city: 'Singapore', country: 'Singapore' },
  { city: 'London', country: 'Britain' },
  { city: 'Tokyo', country: 'Japan' },
  { city: 'Dubai', country: 'the UAE' },
  { city: 'Frankfurt', country: 'Germany' },
  { city: 'Jakarta', country: 'Indonesia' },
  { city: 'Sydney', country: 'Australia' },
  { city: 'Seoul', country: 'South Korea' },
  { city: 'Toronto', country: 'Canada' },
  { city: 'Sao Paulo', country: 'Brazil' },
  { city: 'Nairobi', country: 'Kenya' },
  { city: 'Geneva', country: 'Switzerland' },
];

/** States; those with `cities` can be a local story's dateline. Telangana was formed in June 2014, out of Andhra Pradesh. */
export const STATES: (Dated & { cities?: string[] })[] = [
  { name: 'Maharashtra', cities: ['Mumbai', 'Pune'] },
  { name: 'Karnataka', cities: ['Bengaluru'] },
  { name: 'Tamil Nadu', cities: ['Chennai'] },
  { name: 'Gujarat', cities: ['Ahmedabad'] },
  { name: 'Uttar Pradesh' },
  { name: 'West Bengal', cities: ['Kolkata'] },
  { name: 'Telangana', cities: ['Hyderabad'], since: 2015 },
  { name: 'Andhra Pradesh', cities: ['Hyderabad'], until: 2014 },
  { name: 'Odisha' },
  { name: 'Rajasthan' },
  { name: 'Kerala' },
  { name: 'Punjab' },
  { name: 'Madhya Pradesh' },
];

/** Invented wire agencies and content partners (used as `wire:<name>` / `partner:<name>`). */
export const WIRE_AGENCIES = ['Bharat News Service', 'Asia Wire', 'Indo-Pacific Press', 'Continental Newswire'];
export const PARTNERS = ['Harbour Review', 'Meridian Business Weekly', 'Eastern Ledger'];

export const BROKERAGES = [
  'Konkan Securities',
  'Sahyog Capital',
  'Trident Research',
  'Banyan Equities',
  'Lighthouse Wealth',
  'Nakshatra Broking',
];
export const VENTURE_FUNDS = ['Peepal Tree Capital', 'Monsoon Ventures', 'Lantern Partners', 'Trellis Capital', 'Saffron Seed Fund'];

export const ROLES = ['chief executive', 'managing director', 'chief financial officer', 'chairman', 'head of strategy'];
export const PRODUCTS = [
  'engineering goods',
  'pharmaceuticals',
  'readymade garments',
  'gems and jewellery',
  'basmati rice',
  'marine products',
  'electronics',
  'organic chemicals',
  'spices',
  'leather goods',
  'auto components',
];
export const CROPS = ['pulses', 'cotton', 'soybean', 'paddy', 'sugarcane', 'groundnut', 'maize'];
export const CONCERNS = ['food inflation', 'global volatility', 'weak rural demand', 'sticky services prices', 'high crude oil prices'];
export const VENTURES: Dated[] = [
  { name: 'green hydrogen', since: 2021 },
  { name: 'battery storage', since: 2016 },
  { name: 'cold-chain logistics' },
  { name: 'specialty chemicals' },
  { name: 'container terminals' },
  { name: 'airport services', since: 2004 },
  { name: 'data centres', since: 2008 },
];
export const LAWS = ['insolvency rules', 'labour compliance', 'company registration', 'tax appeals', 'land records', 'shipping regulation'];
export const TECH_TOPICS: Dated[] = [
  { name: 'mobile phone tariffs' },
  { name: 'credit card billing' },
  { name: 'internet service providers', since: 1998 },
  { name: 'online share trading', since: 2000 },
  { name: 'digital lending apps', since: 2017 },
  { name: 'data centres', since: 2008 },
  { name: 'online gaming', since: 2012 },
  { name: 'payment aggregators', since: 2019 },
  { name: 'cloud storage of financial data', since: 2012 },
  { name: 'the use of AI in credit scoring', since: 2018 },
];

/** News paragraphs that fit most stories; mixed into the body between a kind's own paragraphs. */
export const GENERIC_PARAGRAPHS = [
  'The development comes at a time when companies across sectors are reassessing investment plans in light of shifting global demand.',
  '{analyst}, an analyst at {firm}, said the market would look for evidence of sustained demand over the next two quarters before drawing firm conclusions.',
  'Further details are expected over the coming weeks, people familiar with the matter said.',
  'Industry executives said input costs, which spiked last year, had largely stabilised, giving companies more room to plan.',
  "The {sector} sector is a large employer, directly and through its suppliers, which keeps it in policymakers' sights.",
  'Smaller rivals, including **{company2}**, are expected to respond with announcements of their own.',
  "Market participants will also watch the central bank's next policy review and the direction of global interest rates.",
  '"We see this as a multi-year opportunity rather than a one-quarter story," said {person2}, a fund manager in {city}.',
  'Data from industry associations point to a gradual improvement in order books since the start of the year.',
  'Credit rating agencies have so far kept a stable outlook on the sector, citing healthy balance sheets.',
  'Not everyone is convinced. {advisor}, who advises family offices in {city}, said investors should wait for two or three more quarters of data.',
];

export const GENERIC_SUBHEADS = ['The bigger picture', 'What comes next', 'Why it matters', 'Looking ahead'];

export const GENERIC_BULLETS = [
  'Company in focus: **{company}**',
  'Sector: {sector}',
  'Amount involved: {amount}',
  'Setu 50 close: {level}',
  'Rupee: {rupee} to the dollar',
  '10-year bond yield: {yield}%',
];

export const ORDINALS = ['second', 'third', 'fourth', 'fifth', 'sixth'];
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
