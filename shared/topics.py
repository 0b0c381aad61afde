"""The registry of the platform's Kafka topics: for each, its partitions, key, publishers and subscribers, and the
event types it carries with their data models and schema versions. Everything else follows from it: topic creation,
the producers' and consumers' models, the published catalogue (shared/messaging/published/) and its checks.

A new event type is one line here and a model in shared/schemas; a new version is a new model and an upcaster."""

from __future__ import annotations

from shared.messaging.contracts import EventContract, Registry, Topic
from shared.schemas.advice import SealedAdviceGenerated
from shared.schemas.advice import upcast_v1 as advice_v1
from shared.schemas.deadletter import DeadLetter, upcast_v1
from shared.schemas.diagnosis import ModelReleased, SealedDiagnosisCompleted
from shared.schemas.diagnosis import upcast_v1 as diagnosis_v1
from shared.schemas.engagement import SealedPlanChanged
from shared.schemas.feedback import ADVICE_RATED, CHALLENGE_JUDGED, NOTE_LEFT, AdviceRated, ChallengeJudged, NoteLeft
from shared.schemas.followup import AdviceReleased, GroupAssigned, SurveyAnswered, SurveySent, upcast_answered_v1
from shared.schemas.notification import NotificationRequested
from shared.schemas.notification import upcast_v1 as notification_v1
from shared.schemas.operator import PartnerEndpointDisabled
from shared.schemas.partner import (
    FeedActionProgressed,
    FeedAdviceReady,
    FeedDiagnosisReady,
    FeedFollowupAnswered,
    FeedPersonErased,
    FeedProfileSubmitted,
)
from shared.schemas.pledges import (
    CoffeeChoice,
    CoffeeMatched,
    DocumentUploaded,
    HelperChanged,
    HelpOffered,
    PledgeFulfilled,
    ReviewChanged,
)
from shared.schemas.privacy import SERVICES as PRIVACY_HOLDERS
from shared.schemas.privacy import ErasureCompleted, ExportPart, PrivacyRequested, upcast_export_v1
from shared.schemas.profile import SealedProfileSubmitted
from shared.schemas.profile import upcast_v1 as profile_v1

E = EventContract

PROFILE_SUBMITTED = Topic(
    "profile.submitted", 6, "profile_id",
    (E("profile.submitted", SealedProfileSubmitted,
       "A job seeker stored a version of their profile: the profile sealed with their data key, without name; the "
       "email sealed apart.", version=2, upcasters={1: profile_v1}),),
    "Every stored profile version, sealed per person (crypto-shredding): internal only, unreadable once the person "
    "is erased.",
    publishers=("profile",), subscribers=("diagnosis", "followup", "partners"),
)
DIAGNOSIS_COMPLETED = Topic(
    "diagnosis.completed", 6, "profile_id",
    (E("diagnosis.completed", SealedDiagnosisCompleted,
       "The diagnosis of one profile version (main challenge, train, employability) with the profile and market, "
       "sealed with the person's data key; the email forwarded sealed.", version=2, upcasters={1: diagnosis_v1}),),
    "One diagnosis per profile version, sealed per person.",
    publishers=("diagnosis",), subscribers=("advice", "pledges", "partners"),
)
ADVICE_GENERATED = Topic(
    "advice.generated", 6, "profile_id",
    (E("advice.generated", SealedAdviceGenerated,
       "Ranked, explained advice for one diagnosed profile version, sealed with the person's data key (its reasons "
       "may name a handicap or discrimination).", version=2, upcasters={1: advice_v1}),),
    "One advice list per profile version, sealed per person.",
    publishers=("advice",), subscribers=("pledges", "partners"),
)
PARTNER_FEEDS = Topic(
    "partner.{partner}.events", 3, "the person's pseudonym at this partner",
    (
        E("partner.profile-submitted", FeedProfileSubmitted, "A person stored a profile version, as this partner "
          "may see it."),
        E("partner.diagnosis-ready", FeedDiagnosisReady, "A person's diagnosis: main challenge and score band."),
        E("partner.advice-ready", FeedAdviceReady, "A person's advice: module ids, best first."),
        E("partner.followup-answered", FeedFollowupAnswered, "A person answered a follow-up survey."),
        E("partner.action-progressed", FeedActionProgressed, "A person marked an action of their plan done or stuck "
          "(no strategy, action or note: their counts only)."),
        E("partner.person-erased", FeedPersonErased, "A person was erased: delete what you hold under this "
          "pseudonym."),
    ),
    "One topic per partner (`{partner}` is its name), created when an operator registers it, readable by that "
    "partner's principal only: Kafka ACLs are per topic, so a shared topic keyed by partner would let every partner "
    "read every other's. Pseudonymised with the partner's own key; the same events go to its webhook, if any. A "
    "partner receives only the types of its scopes, and a person's erasure if it received that person.",
    publishers=("partners",), subscribers=("organisations",), partner_visible=True,
)
DEAD_LETTER = Topic(
    "deadletter", 1, "the refused record's topic",
    (E("deadletter", DeadLetter, "A record a consumer could not read or handle, kept byte for byte.",
       version=2, upcasters={1: upcast_v1}),),
    "Records no consumer could handle, for operators to inspect and replay; never lost.",
    publishers=("diagnosis", "advice", "pledges", "followup", "notifier", "profile", "partners"),
    subscribers=("operators",),
)
NOTIFICATIONS = Topic(
    "notification.requested", 6, "recipient id",
    (E("notification.requested", NotificationRequested,
       "One email to send, sealed with the recipient's data key; sent at most once per idempotency key.",
       version=2, upcasters={1: notification_v1}),),
    "Emails for the notifier to send (key: the recipient, so one person's mails stay ordered); each sealed with "
    "its recipient's data key, so no link is readable here.",
    publishers=("pledges", "followup", "advice"), subscribers=("notifier",),
)
URGENT_NOTIFICATIONS = Topic(
    "notification.urgent", 6, "recipient id",
    (E("notification.urgent-requested", NotificationRequested,
       "An email the person is waiting for now (a sign-in link), sealed like the others; sent once per idempotency "
       "key, ahead of every bulk email."),),
    "Emails someone is waiting for: the notifier reads them apart from notification.requested, so a backlog of "
    "help offers or surveys never delays a sign-in link.",
    publishers=("profile",), subscribers=("notifier",),
)

PLEDGES_HELPERS = Topic(
    "pledges.helpers", 6, "helper_id",
    (
        E("helper.registered", HelperChanged, "A helper signed up with their pledges."),
        E("helper.confirmed", HelperChanged, "A helper confirmed their email: their pledges can be matched."),
        E("helper.unsubscribed", HelperChanged, "A helper withdrew: their open pledges are closed."),
        E("pledge.fulfilled", PledgeFulfilled, "Every match of a pledge is done."),
    ),
    "Helpers (Bob Action volunteers) and their pledges.",
    publishers=("pledges",), subscribers=("pledges", "notifier"),
)
PLEDGES_REQUESTS = Topic(
    "pledges.help-requests", 6, "profile_id",
    (
        E("help.offered", HelpOffered, "A job seeker is offered these kinds of help (from their diagnosis or advice)."),
        E("document.uploaded", DocumentUploaded, "A job seeker sent a CV or cover letter for review."),
        E("coffee.opted-in", CoffeeChoice, "A job seeker asked for a coffee with a helper."),
        E("coffee.opted-out", CoffeeChoice, "A job seeker no longer wants a coffee."),
    ),
    "What job seekers ask for or are offered.",
    publishers=("pledges",), subscribers=("pledges",),
)
PLEDGES_MATCHES = Topic(
    "pledges.matches", 6, "profile_id",
    (
        E("review.assigned", ReviewChanged, "A document was assigned to a helper for review."),
        E("review.done", ReviewChanged, "A helper sent their review."),
        E("review.timed-out", ReviewChanged, "A review was not done in time; the document is reassigned."),
        E("coffee.matched", CoffeeMatched, "A job seeker and a helper were matched for a coffee."),
    ),
    "Matches and their lifecycle (key: the job seeker, so one seeker's matches stay ordered).",
    publishers=("pledges",), subscribers=("pledges",),
)

ASSIGNMENTS = Topic(
    "followup.assignments", 6, "profile_id",
    (E("followup.assigned", GroupAssigned, "The trial group drawn once at sign-up: treated or control."),),
    "One event per person at sign-up, never changed (the advice service gates on it).",
    publishers=("followup",), subscribers=("advice",),
)
RELEASES = Topic(
    "followup.releases", 6, "profile_id",
    (E("followup.advice.released", AdviceReleased, "A control person's advice may be shown from now on."),),
    "Releases of control people's advice (after the three-month survey or its window).",
    publishers=("followup",), subscribers=("advice",),
)
SURVEYS = Topic(
    "followup.surveys", 6, "profile_id",
    (
        E("followup.survey.sent", SurveySent, "A survey email went out."),
        E("followup.survey.answered", SurveyAnswered,
          "One step of a survey answer (one-click, then the form); the free text sealed with the person's data key.",
          version=2, upcasters={1: upcast_answered_v1}),
    ),
    "Surveys sent and answered: every follow-up figure can be recomputed from this topic alone.",
    publishers=("followup",), subscribers=("partners", "diagnosis"),
)
MODEL_RELEASES = Topic(
    "diagnosis.models", 1, "model name",
    (E("model.released", ModelReleased, "An employability model version passed the release gate and replaces the "
       "previous one (or a rollback restored an earlier one)."),),
    "Releases of the employability model: diagnosis workers load the version named, without a restart.",
    publishers=("diagnosis",), subscribers=("diagnosis",),
)

# Issue 16: a person's action plan (advice service), for coaching reminders (followup) and operators' figures.
ENGAGEMENT_ACTIONS = Topic(
    "engagement.actions", 6, "profile_id",
    (
        E("plan.created", SealedPlanChanged, "A person made their action plan: a strategy and its first actions."),
        E("plan.strategy-chosen", SealedPlanChanged, "A person chose another strategy for their plan."),
        E("action.added", SealedPlanChanged, "An action joined the plan, with its target date if any."),
        E("action.removed", SealedPlanChanged, "An action left the plan."),
        E("action.done", SealedPlanChanged, "The person marked an action done."),
        E("action.stuck", SealedPlanChanged, "The person marked an action stuck, with an optional note (sealed)."),
        E("action.reopened", SealedPlanChanged, "The person set a done or stuck action back to do."),
    ),
    "Changes of each person's action plan (key: the person, so one plan's changes stay ordered); which strategy "
    "and action, and the notes, sealed with the person's data key.",
    publishers=("advice",), subscribers=("partners", "followup"),
)

FEEDBACK = Topic(
    "advice.feedback", 6, "profile_id",
    (
        E(CHALLENGE_JUDGED, ChallengeJudged, "A job seeker agreed or disagreed with their diagnosis' main challenge."),
        E(ADVICE_RATED, AdviceRated, "A job seeker gave 1 to 5 stars to one piece of their advice."),
        E(NOTE_LEFT, NoteLeft, "A job seeker left a short note, sealed with their data key."),
    ),
    "In-app feedback on the diagnosis and advice (issue 16): each change the person makes, in order per person.",
    publishers=("advice",), subscribers=("operators",),
)

PLEDGES_TOPICS = (PLEDGES_HELPERS, PLEDGES_REQUESTS, PLEDGES_MATCHES)

PRIVACY_REQUESTS = Topic(
    "privacy.requests", 6, "person id",
    (
        E("privacy.export.requested", PrivacyRequested, "A person asked for a copy of their data."),
        E("privacy.erasure.requested", PrivacyRequested, "A person asked to be erased."),
    ),
    "GDPR requests, answered by every service that holds personal data.",
    publishers=("profile",), subscribers=PRIVACY_HOLDERS,
)
PRIVACY_ANSWERS = Topic(
    "privacy.answers", 6, "person id",
    (
        E("privacy.export.part", ExportPart,
          "Everything one service holds about the person, sealed with their data key.",
          version=2, upcasters={1: upcast_export_v1}),
        E("privacy.erasure.completed", ErasureCompleted, "One service erased the person (counts per collection)."),
    ),
    "Each service's answer to a GDPR request; the profile service assembles them.",
    publishers=PRIVACY_HOLDERS, subscribers=("profile",),
)

OPERATOR_ALERTS = Topic(
    "operator.alerts", 1, "what the alert is about (e.g. the partner's name)",
    (E("operator.partner-endpoint-disabled", PartnerEndpointDisabled,
       "A partner's webhook endpoint was disabled after failures in a row: an operator must enable it again."),),
    "What operators must act on; the notifier emails them.",
    publishers=("partners",), subscribers=("notifier",),
)

# Every topic the services' workers consume has 6 partitions, so up to 6 copies of a worker share it (BOB_WORKERS,
# deploy/local/services.py MAX_WORKERS); provisioning raises the count of an existing topic that has fewer. Kept at
# one partition: the model releases and operator alerts (rare, and one copy reads them: the diagnosis workers also
# poll the model registry) and the dead letters (read by operators, not workers).
SINGLE_PARTITION = ("diagnosis.models", "operator.alerts", "deadletter")
ALL_TOPICS: tuple[Topic, ...] = (
    PROFILE_SUBMITTED, DIAGNOSIS_COMPLETED, ADVICE_GENERATED, PARTNER_FEEDS, DEAD_LETTER, NOTIFICATIONS,
    URGENT_NOTIFICATIONS,
    PLEDGES_HELPERS, PLEDGES_REQUESTS, PLEDGES_MATCHES, ASSIGNMENTS, RELEASES, SURVEYS,
    PRIVACY_REQUESTS, PRIVACY_ANSWERS, OPERATOR_ALERTS, MODEL_RELEASES, ENGAGEMENT_ACTIONS, FEEDBACK,
)
REGISTRY = Registry(ALL_TOPICS)
# Topics no longer in the registry, deleted with every ACL naming them when the platform is provisioned:
# `partner.events` carried one pseudonym shared by every partner and exact times (the per-partner feeds replace it).
RETIRED_TOPICS: tuple[str, ...] = ("partner.events",)
BY_NAME = REGISTRY.by_name
