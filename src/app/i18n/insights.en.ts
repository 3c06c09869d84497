/** English texts of the insights capability (merged into the catalogue under `insights`). */
export const insightsEn = {} as const;
