import { jsPlaneLinesRunner } from './js-dg.js'
export const nativePlaneLinesRunner = jsPlaneLinesRunner
