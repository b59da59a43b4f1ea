// Every workflow the worker runs (its workflowsPath bundle entry).
export { handoverWorkflow } from './handover';
export { transitionPeriodWorkflow } from './transition-period';
export { districtReportWorkflow } from './district-report';
