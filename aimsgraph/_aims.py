"""Closed namespace of the aimsgraph vocabulary. Generated from ontology/aims.ttl:
python -m aimsgraph.vocabulary > aimsgraph/_aims.py. Do not edit by hand."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class AIMS(DefinedNamespace):
    """aimsgraph vocabulary; an unknown term raises instead of minting a new IRI."""

    _fail = True

    AISystem: URIRef
    Accept: URIRef
    Accepted: URIRef
    ApplicabilityDecision: URIRef
    Avoid: URIRef
    Clause: URIRef
    Control: URIRef
    ControlObjective: URIRef
    CoverageFigure: URIRef
    Dense: URIRef
    DesignEvidence: URIRef
    Document: URIRef
    DocumentVersion: URIRef
    EvidenceLink: URIRef
    Framework: URIRef
    Hybrid: URIRef
    ImpactAssessment: URIRef
    ImplementationStatus: URIRef
    Implemented: URIRef
    Lexical: URIRef
    LifecycleStage: URIRef
    LinkMethod: URIRef
    LinkStatus: URIRef
    Manual: URIRef
    Mitigate: URIRef
    NotStarted: URIRef
    OperatingEvidence: URIRef
    Organization: URIRef
    Partial: URIRef
    Passage: URIRef
    Person: URIRef
    Planned: URIRef
    Rejected: URIRef
    Requirement: URIRef
    ReviewActivity: URIRef
    Reviewed: URIRef
    Risk: URIRef
    RiskTreatment: URIRef
    Role: URIRef
    RoleAssignment: URIRef
    StageDeployment: URIRef
    StageDesign: URIRef
    StageDevelopment: URIRef
    StageInception: URIRef
    StageOperation: URIRef
    StageRetirement: URIRef
    StageVerification: URIRef
    Suggested: URIRef
    Suggestion: URIRef
    SuggestionRun: URIRef
    Superseded: URIRef
    Transfer: URIRef
    TreatmentOption: URIRef
    ValidationRun: URIRef
    acceptedBy: URIRef
    accountablePerson: URIRef
    applicable: URIRef
    appliesTo: URIRef
    asOf: URIRef
    control: URIRef
    coverage: URIRef
    coveredCount: URIRef
    decidedAt: URIRef
    description: URIRef
    designEvidence: URIRef
    email: URIRef
    endOffset: URIRef
    evidence: URIRef
    evidenceKind: URIRef
    file: URIRef
    forSystem: URIRef
    group: URIRef
    hasRole: URIRef
    hasRoleAssignment: URIRef
    headingPath: URIRef
    id: URIRef
    impact: URIRef
    impactAssessment: URIRef
    implementationStatus: URIRef
    inVersion: URIRef
    infoCount: URIRef
    intendedUse: URIRef
    jobTitle: URIRef
    justification: URIRef
    keyword: URIRef
    lifecycleStage: URIRef
    likelihood: URIRef
    matchedTerm: URIRef
    method: URIRef
    model: URIRef
    operatingEvidence: URIRef
    order: URIRef
    owner: URIRef
    page: URIRef
    passage: URIRef
    rank: URIRef
    recordedSha256: URIRef
    relevantRole: URIRef
    remediation: URIRef
    requiredCount: URIRef
    requirement: URIRef
    reviewDue: URIRef
    reviewInterval: URIRef
    reviewed: URIRef
    reviewer: URIRef
    riskScore: URIRef
    riskSource: URIRef
    riskThreshold: URIRef
    role: URIRef
    rule: URIRef
    scope: URIRef
    score: URIRef
    sha256: URIRef
    startOffset: URIRef
    status: URIRef
    supersededBy: URIRef
    supplier: URIRef
    system: URIRef
    text: URIRef
    treatment: URIRef
    treatmentOption: URIRef
    versionOf: URIRef
    violationCount: URIRef
    warningCount: URIRef

    _NS = Namespace("https://w3id.org/aimsgraph/ns#")
