// The profile's enumerations, as in shared/schemas/profile.py (a unit test keeps them in step).
// Their labels are the i18n keys enum.<Name>.<VALUE>.
export const ENUMS = {
  Gender: ['FEMININE', 'MASCULINE', 'UNKNOWN_GENDER'],
  Degree: ['NO_DEGREE', 'CAP_BEP', 'BAC_BACPRO', 'BTS_DUT_DEUG', 'LICENCE_MAITRISE', 'DEA_DESS_MASTER_PHD'],
  FamilySituation: ['SINGLE', 'IN_COUPLE', 'SINGLE_PARENT', 'FAMILY_WITH_KIDS'],
  Frustration: [
    'NO_OFFERS', 'NO_OFFER_ANSWERS', 'RESUME', 'INTERVIEW', 'TRAINING', 'MOTIVATION', 'TIME_MANAGEMENT',
    'ATYPIC_PROFILE', 'AGE_DISCRIMINATION', 'SEX_DISCRIMINATION', 'RACE_DISCRIMINATION', 'EXPERIENCE',
    'SELF_CONFIDENCE', 'STAY_AT_HOME_PARENT', 'LANGUAGE', 'FOREIGN_QUALIFICATIONS', 'CHILD_CARE',
  ],
  AreaType: ['CITY', 'DEPARTEMENT', 'REGION', 'COUNTRY', 'WORLD'],
  ProjectKind: [
    'FIND_A_FIRST_JOB', 'FIND_A_NEW_JOB', 'FIND_ANOTHER_JOB', 'REORIENTATION', 'CREATE_OR_TAKE_OVER_COMPANY',
  ],
  Seniority: ['NO_SENIORITY', 'INTERN', 'JUNIOR', 'INTERMEDIARY', 'SENIOR', 'EXPERT'],
  PreviousJobSimilarity: ['DONE_THIS', 'DONE_SIMILAR', 'NEVER_DONE'],
  TrainingFulfillment: [
    'ENOUGH_DIPLOMAS', 'ENOUGH_EXPERIENCE', 'CURRENTLY_IN_TRAINING', 'NOT_SURE', 'NO_TRAINING_REQUIRED',
  ],
  Frequency: ['LESS_THAN_2', 'SOME', 'DECENT_AMOUNT', 'A_LOT'],
  PassionLevel: ['ALIMENTARY_JOB', 'LIKEABLE_JOB', 'PASSIONATING_JOB', 'LIFE_GOAL_JOB'],
  ContractType: ['CDI', 'CDD', 'INTERIM', 'INTERNSHIP', 'ALTERNANCE'],
  ChallengeGuess: [
    'undefined-project', 'find-what-you-like', 'stuck-market', 'missing-diploma', 'start-your-search',
    'enhance-methods-to-interview',
  ],
  CoachingFrequency: ['NONE', 'MONTHLY', 'WEEKLY'],
};

/** [[value, i18n key]] pairs for a select or a group of choices. */
export function enumOptions(name) {
  return ENUMS[name].map((value) => [value, `enum.${name}.${value}`]);
}
