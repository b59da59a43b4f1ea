// Every workflow the worker runs (its workflowsPath bundle entry).
export { transitionPeriodWorkflow } from './transition-period';
