"""The "email me my plan" message, in the person's language. Pure."""

from __future__ import annotations

from services.advice.domain.plans import Plan
from services.advice.domain.strategies import CATALOGUE
from shared.schemas.engagement import ActionState

_STATE = {
    "fr": {ActionState.TODO: "à faire", ActionState.DONE: "fait", ActionState.STUCK: "bloqué"},
    "en": {ActionState.TODO: "to do", ActionState.DONE: "done", ActionState.STUCK: "stuck"},
}
_WORDS = {
    "fr": ("Votre plan d'action", "Votre stratégie", "Fait : {done} sur {total}", "pour le",
           "Retrouvez et mettez à jour votre plan :"),
    "en": ("Your action plan", "Your strategy", "Done: {done} of {total}", "by",
           "See and update your plan:"),
}


def render(plan: Plan, locale: str, plan_url: str) -> tuple[str, str]:
    """(subject, text) of the email."""
    lang = "en" if locale == "en" else "fr"
    subject, strategy_word, progress, by, see = _WORDS[lang]
    strategy = CATALOGUE.strategy(plan.strategy_id)
    title = plan.strategy_id if strategy is None else getattr(strategy.title, lang)
    lines = [f"{strategy_word} : {title}" if lang == "fr" else f"{strategy_word}: {title}", ""]
    for action in plan.actions:
        when = f" ({by} {action.target_date.isoformat()})" if action.target_date else ""
        lines.append(f"- [{_STATE[lang][action.state]}] {getattr(action.title, lang)}{when}")
    counts = plan.progress
    lines += ["", progress.format(done=counts.done, total=counts.total), "", see, plan_url]
    return subject, "\n".join(lines)
