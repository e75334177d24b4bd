/**
 * The curated concept catalogue for the demo's subjects (ids from cli/seed/catalog.ts). Solid for the
 * mathematics subjects — each maths concept names the local practice generator that can write checked
 * problems for it — and a handful per other subject. Concepts the LLM finds beyond these are added to the
 * catalogue at run time (source `llm`), de-duplicated by normalised name per subject.
 *
 * `aliases` are phrases that name the concept in a conversation; the local analyser matches them (and the
 * name) after normalisation, so keep them short and specific.
 */
export type CuratedConcept = {
  slug: string;
  name: string;
  description: string;
  /** 1 (introductory) to 5 (advanced). */
  difficulty: number;
  aliases: string[];
  /** Local practice generator (practice/generators.ts) for maths concepts. */
  generator?: string;
};

const ARITHMETIC: CuratedConcept[] = [
  {
    slug: 'addition-subtraction',
    name: 'Addition and subtraction',
    description: 'Adding and subtracting whole numbers, with carrying and borrowing.',
    difficulty: 1,
    aliases: ['carrying', 'borrowing', 'regrouping', 'subtract', 'subtraction', 'addition'],
    generator: 'add-sub',
  },
  {
    slug: 'multiplication',
    name: 'Multiplication',
    description: 'Multiplying whole numbers: times tables and multi-digit products.',
    difficulty: 1,
    aliases: ['times table', 'times tables', 'multiply', 'product'],
    generator: 'multiply',
  },
  {
    slug: 'division',
    name: 'Division',
    description: 'Dividing whole numbers, with and without remainders.',
    difficulty: 2,
    aliases: ['divide', 'long division', 'remainder', 'quotient'],
    generator: 'divide',
  },
  {
    slug: 'fractions',
    name: 'Fractions',
    description: 'Adding, subtracting and comparing fractions using common denominators.',
    difficulty: 2,
    aliases: ['fraction', 'denominator', 'numerator', 'common denominator', 'adding fractions'],
    generator: 'fraction-add',
  },
  {
    slug: 'decimals',
    name: 'Decimals',
    description: 'Place value with decimals; adding and multiplying decimals.',
    difficulty: 2,
    aliases: ['decimal', 'decimal point', 'tenths', 'hundredths'],
    generator: 'decimals',
  },
  {
    slug: 'word-problems',
    name: 'Word problems',
    description:
      'Turning a story into the right operations: what is known, what is asked, which steps lead there.',
    difficulty: 2,
    aliases: ['word problem', 'how many', 'how much', 'altogether', 'in total', 'left over'],
  },
  {
    slug: 'place-value',
    name: 'Place value',
    description: 'The value of each digit by its position: ones, tens, hundreds.',
    difficulty: 1,
    aliases: ['ones place', 'tens place', 'hundreds place', 'rounding'],
    generator: 'rounding',
  },
];

const ALGEBRA: CuratedConcept[] = [
  {
    slug: 'order-of-operations',
    name: 'Order of operations',
    description:
      'Evaluating expressions in the right order: brackets, exponents, multiplication and division, addition and subtraction.',
    difficulty: 1,
    aliases: ['pemdas', 'bodmas', 'order of operations'],
    generator: 'order-of-operations',
  },
  {
    slug: 'integers',
    name: 'Integer operations',
    description: 'Adding, subtracting, multiplying and dividing negative numbers.',
    difficulty: 1,
    aliases: ['negative numbers', 'negative number', 'integers', 'minus times minus'],
    generator: 'integers',
  },
  {
    slug: 'ratios-proportions',
    name: 'Ratios and proportions',
    description: 'Comparing quantities with ratios and solving proportions by cross-multiplying.',
    difficulty: 2,
    aliases: ['ratio', 'proportion', 'cross multiply', 'cross-multiply', 'unit rate'],
    generator: 'proportion',
  },
  {
    slug: 'percentages',
    name: 'Percentages',
    description: 'Finding a percentage of a number, percentage change and discounts.',
    difficulty: 2,
    aliases: ['percent', 'percentage', 'discount', 'per cent'],
    generator: 'percent',
  },
  {
    slug: 'linear-equations',
    name: 'Solving linear equations',
    description:
      'Isolating the variable in one- and two-step linear equations by doing the same to both sides.',
    difficulty: 2,
    aliases: [
      'solve for x',
      'linear equation',
      'linear equations',
      'isolate the variable',
      'both sides',
      'two-step equation',
      'one-step equation',
    ],
    generator: 'linear-equation',
  },
  {
    slug: 'expressions',
    name: 'Simplifying expressions',
    description: 'Combining like terms and using the distributive property.',
    difficulty: 2,
    aliases: ['like terms', 'distributive property', 'distribute', 'expand', 'simplify the expression'],
    generator: 'expand',
  },
  {
    slug: 'slope',
    name: 'Slope and linear functions',
    description: 'Slope as rise over run, slope-intercept form y = mx + b, graphing lines.',
    difficulty: 3,
    aliases: ['slope', 'rise over run', 'y-intercept', 'slope-intercept', 'y = mx + b', 'gradient'],
    generator: 'slope',
  },
  {
    slug: 'systems-of-equations',
    name: 'Systems of linear equations',
    description: 'Solving two equations in two unknowns by substitution or elimination.',
    difficulty: 3,
    aliases: ['system of equations', 'systems of equations', 'substitution', 'elimination', 'two equations'],
    generator: 'system',
  },
  {
    slug: 'inequalities',
    name: 'Linear inequalities',
    description: 'Solving inequalities, flipping the sign when multiplying or dividing by a negative.',
    difficulty: 3,
    aliases: ['inequality', 'inequalities', 'flip the sign', 'greater than', 'less than'],
    generator: 'inequality',
  },
  {
    slug: 'exponents',
    name: 'Exponent rules',
    description: 'Powers, the product and quotient rules, zero and negative exponents.',
    difficulty: 2,
    aliases: ['exponent', 'exponents', 'power', 'squared', 'cubed'],
    generator: 'exponents',
  },
  {
    slug: 'factoring-quadratics',
    name: 'Factoring quadratics',
    description: 'Writing x² + bx + c as (x + p)(x + q) and finding the roots.',
    difficulty: 3,
    aliases: ['factor', 'factoring', 'factorise', 'factorize', 'quadratic', 'trinomial'],
    generator: 'factor-quadratic',
  },
];

const GEOMETRY: CuratedConcept[] = [
  {
    slug: 'pythagorean-theorem',
    name: 'Pythagorean theorem',
    description: 'a² + b² = c² in a right triangle: finding a missing side.',
    difficulty: 2,
    aliases: ['pythagoras', 'pythagorean', 'hypotenuse', 'right triangle', 'a squared plus b squared'],
    generator: 'pythagoras',
  },
  {
    slug: 'area-perimeter',
    name: 'Area and perimeter',
    description: 'Area and perimeter of rectangles, triangles and composite shapes.',
    difficulty: 1,
    aliases: ['area', 'perimeter', 'base times height'],
    generator: 'area',
  },
  {
    slug: 'circles',
    name: 'Circles',
    description: 'Circumference and area of a circle from its radius or diameter.',
    difficulty: 2,
    aliases: ['circle', 'radius', 'diameter', 'circumference', 'pi r squared'],
    generator: 'circle',
  },
  {
    slug: 'angles',
    name: 'Angles and triangles',
    description: 'Angle sums in triangles and polygons; supplementary and complementary angles.',
    difficulty: 2,
    aliases: ['angle', 'angles', 'supplementary', 'complementary', '180 degrees'],
    generator: 'angles',
  },
  {
    slug: 'similar-triangles',
    name: 'Similar triangles',
    description: 'Corresponding sides of similar triangles are proportional.',
    difficulty: 3,
    aliases: ['similar triangles', 'similarity', 'scale factor', 'corresponding sides'],
    generator: 'similar',
  },
  {
    slug: 'volume',
    name: 'Volume',
    description: 'Volume of prisms, cylinders and cones.',
    difficulty: 3,
    aliases: ['volume', 'cylinder', 'prism', 'cubic units'],
    generator: 'volume',
  },
];

const ALGEBRA2: CuratedConcept[] = [
  {
    slug: 'quadratic-formula',
    name: 'Quadratic formula',
    description: 'Solving ax² + bx + c = 0 with the quadratic formula; the discriminant.',
    difficulty: 3,
    aliases: ['quadratic formula', 'discriminant', 'b squared minus 4ac', 'roots'],
    generator: 'quadratic-formula',
  },
  {
    slug: 'factoring-quadratics',
    name: 'Factoring quadratics',
    description: 'Writing x² + bx + c as (x + p)(x + q) and finding the roots.',
    difficulty: 3,
    aliases: ['factor', 'factoring', 'factorise', 'factorize', 'trinomial'],
    generator: 'factor-quadratic',
  },
  {
    slug: 'functions',
    name: 'Functions and evaluation',
    description: 'Function notation, evaluating f(x), composition.',
    difficulty: 2,
    aliases: ['function', 'f of x', 'f(x)', 'composition', 'domain', 'range'],
    generator: 'evaluate-function',
  },
  {
    slug: 'logarithms',
    name: 'Logarithms',
    description: 'Logarithms as inverse exponents; evaluating and solving simple log equations.',
    difficulty: 4,
    aliases: ['log', 'logarithm', 'logarithms', 'natural log', 'ln'],
    generator: 'logarithm',
  },
  {
    slug: 'exponential-functions',
    name: 'Exponential growth and decay',
    description: 'Functions of the form a·bˣ; growth and decay.',
    difficulty: 3,
    aliases: ['exponential', 'growth', 'decay', 'half-life', 'compound interest'],
    generator: 'exponential',
  },
  {
    slug: 'systems-of-equations',
    name: 'Systems of linear equations',
    description: 'Solving two equations in two unknowns by substitution or elimination.',
    difficulty: 3,
    aliases: ['system of equations', 'systems of equations', 'substitution', 'elimination'],
    generator: 'system',
  },
  {
    slug: 'trigonometry',
    name: 'Right-triangle trigonometry',
    description: 'Sine, cosine and tangent as ratios of sides; SOH CAH TOA.',
    difficulty: 3,
    aliases: ['sine', 'cosine', 'tangent', 'soh cah toa', 'sohcahtoa', 'trig'],
    generator: 'trig',
  },
];

const CALCULUS: CuratedConcept[] = [
  {
    slug: 'limits',
    name: 'Limits',
    description: 'The value a function approaches; limits of polynomials and rational functions.',
    difficulty: 3,
    aliases: ['limit', 'limits', 'approaches', 'continuity'],
    generator: 'limit',
  },
  {
    slug: 'derivatives',
    name: 'Derivatives and the power rule',
    description: 'The derivative as a rate of change; differentiating polynomials with the power rule.',
    difficulty: 3,
    aliases: ['derivative', 'derivatives', 'power rule', 'differentiate', 'rate of change'],
    generator: 'derivative',
  },
  {
    slug: 'chain-rule',
    name: 'Chain rule',
    description: 'Differentiating composite functions: the outer derivative times the inner derivative.',
    difficulty: 4,
    aliases: ['chain rule', 'composite function', 'inner function', 'outer function'],
    generator: 'chain-rule',
  },
  {
    slug: 'integrals',
    name: 'Definite integrals',
    description: 'Antiderivatives and the fundamental theorem of calculus for polynomials.',
    difficulty: 4,
    aliases: ['integral', 'integrals', 'antiderivative', 'integrate', 'area under the curve'],
    generator: 'integral',
  },
  {
    slug: 'optimization',
    name: 'Optimization',
    description: 'Finding maxima and minima by setting the derivative to zero.',
    difficulty: 4,
    aliases: ['optimization', 'maximum', 'minimum', 'critical point', 'critical points'],
    generator: 'critical-point',
  },
];

const STATISTICS: CuratedConcept[] = [
  {
    slug: 'mean-median-mode',
    name: 'Mean, median and mode',
    description: 'Measures of centre and when each is the better summary.',
    difficulty: 1,
    aliases: ['mean', 'median', 'mode', 'average'],
    generator: 'mean-median',
  },
  {
    slug: 'standard-deviation',
    name: 'Standard deviation',
    description: 'Spread of data around the mean; variance and standard deviation.',
    difficulty: 3,
    aliases: ['standard deviation', 'variance', 'spread'],
    generator: 'std-dev',
  },
  {
    slug: 'probability',
    name: 'Probability',
    description: 'Probability of simple and compound events; independent events.',
    difficulty: 2,
    aliases: ['probability', 'chance', 'independent events', 'coin', 'dice'],
    generator: 'probability',
  },
  {
    slug: 'z-scores',
    name: 'Z-scores and the normal distribution',
    description: 'How many standard deviations a value is from the mean.',
    difficulty: 3,
    aliases: ['z-score', 'z score', 'normal distribution', 'bell curve'],
    generator: 'z-score',
  },
  {
    slug: 'hypothesis-testing',
    name: 'Hypothesis testing',
    description: 'Null and alternative hypotheses, p-values and significance levels.',
    difficulty: 4,
    aliases: ['hypothesis', 'p-value', 'p value', 'null hypothesis', 'significance'],
  },
];

const BIOLOGY: CuratedConcept[] = [
  {
    slug: 'cell-structure',
    name: 'Cell structure',
    description: 'Organelles and their functions: nucleus, mitochondria, membrane.',
    difficulty: 2,
    aliases: ['cell', 'organelle', 'mitochondria', 'nucleus', 'cell membrane'],
  },
  {
    slug: 'photosynthesis',
    name: 'Photosynthesis',
    description: 'How plants turn light, water and CO₂ into glucose and oxygen.',
    difficulty: 2,
    aliases: ['photosynthesis', 'chlorophyll', 'chloroplast'],
  },
  {
    slug: 'genetics',
    name: 'Genetics and inheritance',
    description: 'Genes, alleles, Punnett squares, dominant and recessive traits.',
    difficulty: 3,
    aliases: ['punnett square', 'allele', 'dominant', 'recessive', 'genotype', 'phenotype'],
  },
  {
    slug: 'cell-division',
    name: 'Mitosis and meiosis',
    description: 'How cells divide, and how the two kinds of division differ.',
    difficulty: 3,
    aliases: ['mitosis', 'meiosis', 'cell division'],
  },
];
const CHEMISTRY: CuratedConcept[] = [
  {
    slug: 'stoichiometry',
    name: 'Stoichiometry',
    description: 'Mole ratios from balanced equations; converting grams to moles.',
    difficulty: 3,
    aliases: ['stoichiometry', 'mole', 'moles', 'molar mass', 'mole ratio'],
  },
  {
    slug: 'balancing-equations',
    name: 'Balancing chemical equations',
    description: 'Conserving atoms on both sides of a reaction with coefficients.',
    difficulty: 2,
    aliases: ['balance the equation', 'balancing equations', 'coefficients', 'conservation of mass'],
  },
  {
    slug: 'periodic-table',
    name: 'The periodic table',
    description: 'Groups, periods, and trends such as electronegativity and atomic radius.',
    difficulty: 2,
    aliases: ['periodic table', 'electronegativity', 'valence electrons', 'atomic radius'],
  },
  {
    slug: 'chemical-bonding',
    name: 'Chemical bonding',
    description: 'Ionic and covalent bonds, Lewis structures.',
    difficulty: 3,
    aliases: ['ionic bond', 'covalent bond', 'lewis structure', 'bonding'],
  },
];
const ORGANIC: CuratedConcept[] = [
  {
    slug: 'functional-groups',
    name: 'Functional groups',
    description: 'Alcohols, aldehydes, ketones, carboxylic acids, amines.',
    difficulty: 3,
    aliases: ['functional group', 'alcohol', 'ketone', 'aldehyde', 'carboxylic acid'],
  },
  {
    slug: 'reaction-mechanisms',
    name: 'Reaction mechanisms',
    description: 'SN1, SN2, E1 and E2: nucleophiles, electrophiles and leaving groups.',
    difficulty: 5,
    aliases: ['sn1', 'sn2', 'nucleophile', 'electrophile', 'leaving group', 'mechanism'],
  },
  {
    slug: 'stereochemistry',
    name: 'Stereochemistry',
    description: 'Chirality, enantiomers and R/S configuration.',
    difficulty: 4,
    aliases: ['chiral', 'chirality', 'enantiomer', 'stereocenter'],
  },
];
const PHYSICS: CuratedConcept[] = [
  {
    slug: 'newtons-laws',
    name: "Newton's laws",
    description: 'Force, mass and acceleration (F = ma); action and reaction.',
    difficulty: 2,
    aliases: ["newton's laws", 'newtons laws', 'f = ma', 'net force', 'free body diagram'],
  },
  {
    slug: 'kinematics',
    name: 'Kinematics',
    description: 'Displacement, velocity and acceleration; equations of motion.',
    difficulty: 2,
    aliases: ['velocity', 'acceleration', 'displacement', 'kinematics', 'projectile'],
  },
  {
    slug: 'energy',
    name: 'Work and energy',
    description: 'Kinetic and potential energy, conservation of energy, work.',
    difficulty: 3,
    aliases: ['kinetic energy', 'potential energy', 'conservation of energy', 'work done'],
  },
  {
    slug: 'circuits',
    name: 'Electric circuits',
    description: "Ohm's law, series and parallel circuits.",
    difficulty: 3,
    aliases: ["ohm's law", 'resistance', 'current', 'voltage', 'circuit'],
  },
];
const READING: CuratedConcept[] = [
  {
    slug: 'main-idea',
    name: 'Main idea',
    description: 'Finding the central idea of a passage and its supporting details.',
    difficulty: 1,
    aliases: ['main idea', 'central idea', 'supporting details'],
  },
  {
    slug: 'inference',
    name: 'Making inferences',
    description: 'Drawing conclusions from evidence the text implies but does not state.',
    difficulty: 2,
    aliases: ['infer', 'inference', 'reading between the lines', 'imply'],
  },
  {
    slug: 'vocabulary-in-context',
    name: 'Vocabulary in context',
    description: "Working out a word's meaning from the sentence around it.",
    difficulty: 1,
    aliases: ['context clues', 'vocabulary', 'word meaning'],
  },
  {
    slug: 'authors-purpose',
    name: "Author's purpose",
    description: 'Why the author wrote the text: to inform, persuade or entertain.',
    difficulty: 2,
    aliases: ["author's purpose", 'authors purpose', 'persuade', 'tone'],
  },
];
const WRITING: CuratedConcept[] = [
  {
    slug: 'thesis-statement',
    name: 'Thesis statement',
    description: 'A clear, arguable claim that the essay defends.',
    difficulty: 2,
    aliases: ['thesis', 'thesis statement', 'claim', 'argument'],
  },
  {
    slug: 'paragraph-structure',
    name: 'Paragraph structure',
    description: 'Topic sentence, evidence, analysis and transition.',
    difficulty: 1,
    aliases: ['topic sentence', 'paragraph', 'transition', 'body paragraph'],
  },
  {
    slug: 'using-evidence',
    name: 'Using evidence',
    description: 'Quoting and citing sources, and explaining how evidence supports the claim.',
    difficulty: 2,
    aliases: ['evidence', 'quote', 'citation', 'cite'],
  },
  {
    slug: 'grammar-punctuation',
    name: 'Grammar and punctuation',
    description: 'Sentence boundaries, commas, agreement.',
    difficulty: 1,
    aliases: ['comma', 'run-on', 'fragment', 'grammar', 'punctuation'],
  },
];
const LITERATURE: CuratedConcept[] = [
  {
    slug: 'literary-devices',
    name: 'Literary devices',
    description: 'Metaphor, simile, imagery, symbolism and their effect.',
    difficulty: 2,
    aliases: ['metaphor', 'simile', 'imagery', 'symbolism', 'literary device'],
  },
  {
    slug: 'theme',
    name: 'Theme',
    description: 'The underlying message of a work and how it develops.',
    difficulty: 2,
    aliases: ['theme', 'themes', 'message'],
  },
  {
    slug: 'characterization',
    name: 'Characterization',
    description: 'How an author reveals and develops characters.',
    difficulty: 2,
    aliases: ['character', 'characterization', 'protagonist', 'antagonist'],
  },
  {
    slug: 'poetry-analysis',
    name: 'Poetry analysis',
    description: 'Meter, rhyme, form and tone in poems.',
    difficulty: 3,
    aliases: ['poem', 'poetry', 'meter', 'rhyme', 'stanza', 'sonnet'],
  },
];
const SPANISH: CuratedConcept[] = [
  {
    slug: 'present-tense',
    name: 'Present tense conjugation',
    description: 'Regular -ar, -er and -ir verbs in the present tense.',
    difficulty: 1,
    aliases: ['conjugate', 'conjugation', 'present tense', '-ar verbs'],
  },
  {
    slug: 'ser-estar',
    name: 'Ser vs estar',
    description: 'The two verbs "to be" and when to use each.',
    difficulty: 2,
    aliases: ['ser', 'estar', 'ser and estar'],
  },
  {
    slug: 'preterite-imperfect',
    name: 'Preterite and imperfect',
    description: 'The two past tenses and how to choose between them.',
    difficulty: 3,
    aliases: ['preterite', 'imperfect', 'past tense'],
  },
  {
    slug: 'subjunctive',
    name: 'Subjunctive mood',
    description: 'Wishes, doubts and emotions with the subjunctive.',
    difficulty: 4,
    aliases: ['subjunctive'],
  },
];
const FRENCH: CuratedConcept[] = [
  {
    slug: 'present-tense',
    name: 'Present tense conjugation',
    description: 'Regular -er, -ir and -re verbs in the present tense.',
    difficulty: 1,
    aliases: ['conjugate', 'conjugation', 'present tense', '-er verbs'],
  },
  {
    slug: 'passe-compose',
    name: 'Passé composé',
    description: 'The compound past with avoir or être.',
    difficulty: 2,
    aliases: ['passe compose', 'passé composé', 'avoir', 'être', 'past tense'],
  },
  {
    slug: 'gender-agreement',
    name: 'Gender and agreement',
    description: 'Masculine and feminine nouns, adjective agreement.',
    difficulty: 1,
    aliases: ['masculine', 'feminine', 'agreement', 'gender'],
  },
  {
    slug: 'subjunctive',
    name: 'Subjunctive mood',
    description: 'The subjunctive after il faut que, vouloir que.',
    difficulty: 4,
    aliases: ['subjunctive', 'subjonctif'],
  },
];
const PROGRAMMING: CuratedConcept[] = [
  {
    slug: 'loops',
    name: 'Loops',
    description: 'for and while loops, loop bounds, off-by-one errors.',
    difficulty: 1,
    aliases: ['loop', 'loops', 'for loop', 'while loop', 'iteration', 'off by one'],
  },
  {
    slug: 'conditionals',
    name: 'Conditionals',
    description: 'if/else branches and boolean logic.',
    difficulty: 1,
    aliases: ['if statement', 'else', 'conditional', 'boolean'],
  },
  {
    slug: 'functions-methods',
    name: 'Functions and methods',
    description: 'Parameters, return values and scope.',
    difficulty: 2,
    aliases: ['method', 'parameter', 'return value', 'return statement', 'scope'],
  },
  {
    slug: 'arrays-lists',
    name: 'Arrays and lists',
    description: 'Indexing, traversal and common list operations.',
    difficulty: 2,
    aliases: ['array', 'arrays', 'list', 'index', 'arraylist'],
  },
  {
    slug: 'recursion',
    name: 'Recursion',
    description: 'Functions that call themselves; base case and recursive case.',
    difficulty: 3,
    aliases: ['recursion', 'recursive', 'base case'],
  },
  {
    slug: 'classes-objects',
    name: 'Classes and objects',
    description: 'Constructors, fields, methods and inheritance.',
    difficulty: 3,
    aliases: ['class', 'object', 'constructor', 'inheritance', 'instance'],
  },
];
const HISTORY: CuratedConcept[] = [
  {
    slug: 'american-revolution',
    name: 'The American Revolution',
    description: 'Causes, key events and outcomes of the War of Independence.',
    difficulty: 2,
    aliases: [
      'american revolution',
      'revolutionary war',
      'declaration of independence',
      'taxation without representation',
    ],
  },
  {
    slug: 'constitution',
    name: 'The Constitution',
    description: 'Separation of powers, checks and balances, the Bill of Rights.',
    difficulty: 2,
    aliases: ['constitution', 'bill of rights', 'checks and balances', 'separation of powers'],
  },
  {
    slug: 'civil-war',
    name: 'The Civil War and Reconstruction',
    description: 'Causes of the Civil War, its course and Reconstruction.',
    difficulty: 3,
    aliases: ['civil war', 'reconstruction', 'emancipation', 'confederacy'],
  },
];
const ECONOMICS: CuratedConcept[] = [
  {
    slug: 'supply-demand',
    name: 'Supply and demand',
    description: 'How prices and quantities settle where supply meets demand.',
    difficulty: 2,
    aliases: ['supply and demand', 'demand curve', 'supply curve', 'equilibrium'],
  },
  {
    slug: 'elasticity',
    name: 'Elasticity',
    description: 'How responsive quantity is to a change in price.',
    difficulty: 3,
    aliases: ['elasticity', 'elastic', 'inelastic'],
  },
  {
    slug: 'opportunity-cost',
    name: 'Opportunity cost',
    description: 'The value of the next best alternative given up.',
    difficulty: 1,
    aliases: ['opportunity cost', 'trade-off', 'tradeoff'],
  },
  {
    slug: 'market-structures',
    name: 'Market structures',
    description: 'Perfect competition, monopoly, oligopoly.',
    difficulty: 3,
    aliases: ['monopoly', 'perfect competition', 'oligopoly', 'market structure'],
  },
];

const PRE_ALGEBRA_SLUGS = [
  'order-of-operations',
  'integers',
  'ratios-proportions',
  'percentages',
  'linear-equations',
  'expressions',
  'exponents',
  'inequalities',
];

/** Subject id → its curated concepts. */
export const CURATED_CONCEPTS: Record<string, CuratedConcept[]> = {
  'elementary-math': ARITHMETIC,
  'pre-algebra': ALGEBRA.filter((c) => PRE_ALGEBRA_SLUGS.includes(c.slug)).concat(
    ARITHMETIC.filter((c) => c.slug === 'fractions' || c.slug === 'word-problems'),
  ),
  'algebra-1': ALGEBRA,
  geometry: GEOMETRY,
  'algebra-2': ALGEBRA2,
  precalculus: [...ALGEBRA2.filter((c) => c.slug !== 'factoring-quadratics'), CALCULUS[0]!],
  'ap-calculus-ab': CALCULUS,
  'college-calculus': CALCULUS,
  'ap-statistics': STATISTICS,
  'college-statistics': STATISTICS,
  biology: BIOLOGY,
  'ap-biology': BIOLOGY,
  chemistry: CHEMISTRY,
  'organic-chemistry': ORGANIC,
  physics: PHYSICS,
  'reading-comprehension': READING,
  'essay-writing': WRITING,
  'ap-english-literature': LITERATURE,
  spanish: SPANISH,
  french: FRENCH,
  'ap-computer-science-a': PROGRAMMING,
  'python-programming': PROGRAMMING,
  'us-history': HISTORY,
  microeconomics: ECONOMICS,
};

export const conceptKey = (subjectId: string, slug: string) => `${subjectId}:${slug}`;

/** The curated concept behind a key, when there is one. */
export function curatedConcept(key: string): (CuratedConcept & { subjectId: string }) | null {
  const at = key.indexOf(':');
  if (at < 0) return null;
  const subjectId = key.slice(0, at);
  const slug = key.slice(at + 1);
  const c = CURATED_CONCEPTS[subjectId]?.find((x) => x.slug === slug);
  return c ? { ...c, subjectId } : null;
}
