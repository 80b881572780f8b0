"""The AM side of ``tandem demo``: two account managers' books that tell a story.

About 25 clients across tiers and industries (some Vietnamese, with Vietnamese names and
addresses), their contacts, needs in every status, a year of interactions at each client's
cadence (some gone quiet, some follow-ups due), client issues with SLA due dates computed in
business time (some met, some breached, some still running), CSAT and NPS answers, and each
client's health computed from all of it. Deterministic (one seeded ``random.Random``) and loaded
once: a refresh of the demo leaves an organization that already has clients alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tandem.clients import health
from tandem.clients.models import (
    Client,
    ClientIssue,
    ClientStatus,
    Contact,
    ContactRole,
    Interaction,
    InteractionKind,
    IssueChannel,
    IssueEvent,
    IssueStatus,
    Need,
    NeedPriority,
    NeedSource,
    NeedStatus,
    Severity,
    Survey,
    SurveyKind,
    Tier,
)
from tandem.core.demo import DEMO_PASSWORD, DemoContext
from tandem.core.models import Membership, User
from tandem.core.roles import Role

SEED = 20260404
SECOND_AM = ("am2@demo.test", "Vy Account Manager")


@dataclass(frozen=True)
class DemoClient:
    name: str
    legal_name: str
    tax_code: str
    industry: str
    tier: str
    status: str
    address: str
    language: str
    second_am: bool
    mood: str  # "happy", "steady", "slipping" or "unhappy": drives the story
    contacts: tuple[tuple[str, str, str], ...]  # name, title, role


VN = "vi"
CLIENTS: tuple[DemoClient, ...] = (
    DemoClient("Sao Mai Logistics", "Công ty TNHH Logistics Sao Mai", "0312345678", "Logistics",
               Tier.STRATEGIC, ClientStatus.ACTIVE,
               "12 Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh", VN, False, "slipping",
               (("Nguyễn Thị Mai", "Giám đốc điều hành", ContactRole.SPONSOR),
                ("Trần Văn Hùng", "Trưởng phòng CNTT", ContactRole.TECHNICAL),
                ("Lê Thu Hà", "Kế toán trưởng", ContactRole.BILLING))),
    DemoClient("Hà Thành Bank", "Ngân hàng TMCP Hà Thành", "0101234567", "Banking",
               Tier.STRATEGIC, ClientStatus.ACTIVE,
               "88 Láng Hạ, Quận Đống Đa, Hà Nội", VN, False, "happy",
               (("Phạm Quốc Bảo", "Phó Tổng giám đốc", ContactRole.DECISION_MAKER),
                ("Đỗ Minh Châu", "Giám đốc Khối Công nghệ", ContactRole.SPONSOR),
                ("Vũ Thị Lan", "Chuyên viên mua sắm", ContactRole.BILLING))),
    DemoClient("Đà Nẵng Smart City", "Ban Quản lý Đô thị thông minh Đà Nẵng", "0401122334",
               "Public sector", Tier.KEY, ClientStatus.ACTIVE,
               "24 Trần Phú, Quận Hải Châu, Đà Nẵng", VN, True, "steady",
               (("Hoàng Văn Nam", "Trưởng ban", ContactRole.SPONSOR),
                ("Ngô Thị Hạnh", "Kỹ sư hệ thống", ContactRole.TECHNICAL))),
    DemoClient("Phúc Long Retail", "Công ty Cổ phần Bán lẻ Phúc Long", "0315566778", "Retail",
               Tier.KEY, ClientStatus.ACTIVE,
               "45 Lê Lợi, Quận 1, TP. Hồ Chí Minh", VN, False, "unhappy",
               (("Bùi Thanh Tùng", "Giám đốc vận hành", ContactRole.DECISION_MAKER),
                ("Đặng Thu Trang", "Quản lý dự án", ContactRole.TECHNICAL))),
    DemoClient("Mekong Agritech", "Công ty TNHH Nông nghiệp Công nghệ cao Mê Kông",
               "1801234599", "Agriculture", Tier.STANDARD, ClientStatus.ACTIVE,
               "102 đường 30/4, Quận Ninh Kiều, Cần Thơ", VN, True, "happy",
               (("Lý Văn Phát", "Giám đốc", ContactRole.SPONSOR),)),
    DemoClient("Hải Phòng Port Services", "Công ty Cổ phần Dịch vụ Cảng Hải Phòng",
               "0200987654", "Logistics", Tier.KEY, ClientStatus.ACTIVE,
               "8A Trần Phú, Quận Ngô Quyền, Hải Phòng", VN, True, "slipping",
               (("Trịnh Công Sơn", "Phó Giám đốc", ContactRole.DECISION_MAKER),
                ("Mai Phương Thảo", "Trưởng nhóm CNTT", ContactRole.TECHNICAL))),
    DemoClient("Hoa Sen Education", "Trường Quốc tế Hoa Sen", "0318899001", "Education",
               Tier.STANDARD, ClientStatus.ACTIVE,
               "210 Võ Văn Tần, Quận 3, TP. Hồ Chí Minh", VN, False, "steady",
               (("Nguyễn Hoàng Anh", "Hiệu trưởng", ContactRole.SPONSOR),)),
    DemoClient("Việt Tiến Manufacturing", "Công ty Cổ phần Sản xuất Việt Tiến", "0105566443",
               "Manufacturing", Tier.STANDARD, ClientStatus.PROSPECT,
               "KCN Thăng Long, Huyện Đông Anh, Hà Nội", VN, False, "steady",
               (("Phan Đức Long", "Giám đốc nhà máy", ContactRole.DECISION_MAKER),)),
    DemoClient("Northwind Health", "Northwind Health Pte. Ltd.", "SG201912345K", "Healthcare",
               Tier.STRATEGIC, ClientStatus.ACTIVE, "1 Raffles Place, #20-01, Singapore 048616",
               "en", True, "happy",
               (("Olivia Tan", "Chief Digital Officer", ContactRole.SPONSOR),
                ("Marcus Lee", "Head of Engineering", ContactRole.TECHNICAL),
                ("Priya Nair", "Finance Manager", ContactRole.BILLING))),
    DemoClient("Contoso Insurance", "Contoso Insurance Group Ltd.", "GB123456789",
               "Insurance", Tier.KEY, ClientStatus.ACTIVE, "30 St Mary Axe, London EC3A 8BF",
               "en", False, "steady",
               (("James Whitfield", "IT Director", ContactRole.DECISION_MAKER),
                ("Sarah Cole", "Programme Manager", ContactRole.TECHNICAL))),
    DemoClient("Fabrikam Energy", "Fabrikam Energy AG", "DE811223344", "Energy",
               Tier.KEY, ClientStatus.ACTIVE, "Friedrichstraße 68, 10117 Berlin",
               "en", True, "unhappy",
               (("Lena Hoffmann", "VP Operations", ContactRole.SPONSOR),
                ("Jonas Weber", "Solution Architect", ContactRole.TECHNICAL))),
    DemoClient("Tailspin Travel", "Tailspin Travel Pty Ltd", "AU51824753556", "Travel",
               Tier.STANDARD, ClientStatus.ACTIVE, "200 George Street, Sydney NSW 2000",
               "en", False, "happy",
               (("Chloe Martin", "Product Owner", ContactRole.DECISION_MAKER),)),
    DemoClient("Woodgrove Securities", "Woodgrove Securities Inc.", "US-47-1234567",
               "Financial services", Tier.STRATEGIC, ClientStatus.ACTIVE,
               "350 Fifth Avenue, New York, NY 10118", "en", False, "steady",
               (("Daniel Brooks", "CTO", ContactRole.SPONSOR),
                ("Emily Chen", "Engineering Manager", ContactRole.TECHNICAL))),
    DemoClient("Litware Media", "Litware Media KK", "JP9010001234567", "Media",
               Tier.STANDARD, ClientStatus.ACTIVE, "1-1-2 Oshiage, Sumida-ku, Tokyo",
               "en", True, "slipping",
               (("Haruto Sato", "Digital Manager", ContactRole.DECISION_MAKER),)),
    DemoClient("Adatum Pharma", "Adatum Pharma SA", "FR40123456789", "Pharmaceuticals",
               Tier.KEY, ClientStatus.ACTIVE, "15 Rue de la Paix, 75002 Paris",
               "en", False, "happy",
               (("Camille Dubois", "Head of R&D IT", ContactRole.SPONSOR),
                ("Hugo Lefevre", "Procurement", ContactRole.BILLING))),
    DemoClient("Proseware Software", "Proseware Software Ltd.", "IE6388047V", "Software",
               Tier.STANDARD, ClientStatus.ACTIVE, "2 Grand Canal Square, Dublin 2",
               "en", False, "steady",
               (("Aoife Murphy", "VP Engineering", ContactRole.DECISION_MAKER),)),
    DemoClient("Blue Yonder Airlines", "Blue Yonder Airlines Sdn Bhd", "MY-201501012345",
               "Aviation", Tier.KEY, ClientStatus.ACTIVE,
               "Menara KL, Jalan Sultan Ismail, Kuala Lumpur", "en", True, "steady",
               (("Aziz Rahman", "IT Manager", ContactRole.TECHNICAL),
                ("Mei Ling Wong", "Commercial Director", ContactRole.SPONSOR))),
    DemoClient("Lucerne Publishing", "Lucerne Publishing GmbH", "CHE-123.456.789",
               "Publishing", Tier.STANDARD, ClientStatus.ACTIVE,
               "Pilatusstrasse 20, 6003 Luzern", "en", False, "unhappy",
               (("Noah Keller", "Managing Editor", ContactRole.DECISION_MAKER),)),
    DemoClient("Wide World Importers", "Wide World Importers Co., Ltd.", "TH0105558123456",
               "Wholesale", Tier.STANDARD, ClientStatus.ACTIVE,
               "999 Rama I Road, Pathum Wan, Bangkok 10330", "en", True, "happy",
               (("Somchai Chaiyaporn", "Operations Director", ContactRole.SPONSOR),)),
    DemoClient("Coho Vineyard", "Coho Vineyard & Winery LLC", "US-93-7654321", "Food and drink",
               Tier.STANDARD, ClientStatus.PROSPECT, "1200 Main Street, Napa, CA 94559",
               "en", False, "steady",
               (("Ben Miller", "Owner", ContactRole.DECISION_MAKER),)),
    DemoClient("Trey Research", "Trey Research Ltd.", "NZ9429041234567", "Research",
               Tier.STANDARD, ClientStatus.ACTIVE, "12 Queen Street, Auckland 1010",
               "en", False, "steady",
               (("Grace Wilson", "Lab Director", ContactRole.SPONSOR),)),
    DemoClient("Alpine Ski House", "Alpine Ski House AG", "CHE-987.654.321", "Hospitality",
               Tier.STANDARD, ClientStatus.FORMER, "Dorfstrasse 5, 3920 Zermatt",
               "en", True, "steady",
               (("Luca Meier", "General Manager", ContactRole.DECISION_MAKER),)),
    DemoClient("Thăng Long Telecom", "Tổng Công ty Viễn thông Thăng Long", "0109988776",
               "Telecommunications", Tier.STRATEGIC, ClientStatus.ACTIVE,
               "57 Huỳnh Thúc Kháng, Quận Đống Đa, Hà Nội", VN, True, "unhappy",
               (("Nguyễn Văn Thắng", "Giám đốc Công nghệ", ContactRole.SPONSOR),
                ("Lê Hồng Nhung", "Trưởng phòng Dự án", ContactRole.TECHNICAL),
                ("Phạm Thị Ngọc", "Kế toán", ContactRole.BILLING))),
    DemoClient("Bến Thành Foods", "Công ty Cổ phần Thực phẩm Bến Thành", "0316677889",
               "Food and drink", Tier.KEY, ClientStatus.ACTIVE,
               "36 Tôn Đức Thắng, Quận 1, TP. Hồ Chí Minh", VN, False, "happy",
               (("Võ Thị Kim Oanh", "Giám đốc Marketing", ContactRole.SPONSOR),
                ("Huỳnh Tấn Phát", "Quản lý IT", ContactRole.TECHNICAL))),
    DemoClient("Graphic Design Institute", "Graphic Design Institute", "CA123456789RC0001",
               "Education", Tier.STANDARD, ClientStatus.ACTIVE,
               "100 King Street West, Toronto, ON M5X 1A9", "en", False, "slipping",
               (("Olivia Martin", "Dean", ContactRole.DECISION_MAKER),)),
)

NEEDS = (
    ("Cut order processing time in half", NeedPriority.MUST, NeedSource.MEETING),
    ("Single sign-on for all staff", NeedPriority.SHOULD, NeedSource.EMAIL),
    ("Monthly executive dashboard", NeedPriority.SHOULD, NeedSource.CALL),
    ("Mobile app for field teams", NeedPriority.COULD, NeedSource.RFP),
    ("Migrate the data warehouse to the cloud", NeedPriority.MUST, NeedSource.RFP),
    ("Vietnamese and English user interface", NeedPriority.MUST, NeedSource.MEETING),
    ("Automated regression tests before each release", NeedPriority.SHOULD, NeedSource.MEETING),
)
NEED_STATUSES = (NeedStatus.CAPTURED, NeedStatus.AGREED, NeedStatus.IN_SCOPE,
                 NeedStatus.DELIVERED, NeedStatus.ACCEPTED, NeedStatus.DROPPED)
SUMMARIES = {
    InteractionKind.CALL: ("Weekly status call", "Call about the release plan",
                           "Call on the open change request"),
    InteractionKind.MEETING: ("Quarterly business review", "Workshop on next phase scope",
                              "Steering committee"),
    InteractionKind.EMAIL: ("Sent the monthly status report", "Answered questions on invoice",
                            "Shared the updated timeline"),
    InteractionKind.NOTE: ("Sponsor hinted at budget cuts next year",
                           "Client happy with the last demo", "New CIO starting next month"),
}
ISSUE_TITLES = (
    "Login fails for some users", "Report export times out", "Wrong totals on the invoice view",
    "App crashes on older Android phones", "Slow search on the product catalogue",
    "Email notifications not delivered", "Data missing after the nightly import",
    "Typo in the Vietnamese translation", "Payment gateway returns errors",
)
MOOD_SCORES = {  # (CSAT choices, NPS choices) by mood
    "happy": ((4, 5, 5), (9, 9, 10, 8)),
    "steady": ((3, 4, 4, 5), (7, 8, 8, 9)),
    "slipping": ((2, 3, 4), (5, 6, 7, 8)),
    "unhappy": ((1, 2, 2, 3), (2, 3, 5, 6)),
}


def load_demo(context: DemoContext) -> None:
    organization = context.organization
    second_am = _second_account_manager(context)
    if Client.objects.filter(organization=organization).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    now = timezone.localtime(timezone.now()).replace(microsecond=0)
    owners = {False: context.people[Role.ACCOUNT_MANAGER], True: second_am}
    with transaction.atomic():
        clients = [_client(context, spec, owners[spec.second_am], now, rng) for spec in CLIENTS]
        for spec, client in zip(CLIENTS, clients, strict=True):
            contacts = _contacts(client, spec, rng)
            _needs(client, owners[spec.second_am], rng)
            if client.status != ClientStatus.PROSPECT:
                _interactions(client, spec, contacts, owners[spec.second_am], now, rng)
            _issues(client, spec, contacts, owners[spec.second_am], now, rng)
            if client.status == ClientStatus.ACTIVE:
                _nps(client, spec, contacts, now, rng)
        # The real score and its reasons, from the data above; the history (and the dashboard's
        # trend lines) grows from here as the recompute job runs.
        health.recompute_organization(organization.pk, now=now)


def _second_account_manager(context: DemoContext) -> User:
    from tandem.core.services import member_add

    email, name = SECOND_AM
    membership = Membership.objects.filter(organization=context.organization,
                                           user__email=email).select_related("user").first()
    if membership is None:
        membership = member_add(actor=context.actor, email=email, role=Role.ACCOUNT_MANAGER,
                                password=DEMO_PASSWORD, full_name=name, validate=False)
    return membership.user


def _client(context: DemoContext, spec: DemoClient, owner: User, now: dt.datetime,
            rng: random.Random) -> Client:
    created = now - dt.timedelta(days=rng.randint(380, 900))
    return Client.objects.create(
        organization=context.organization, name=spec.name, legal_name=spec.legal_name,
        tax_code=spec.tax_code, industry=spec.industry, tier=spec.tier, status=spec.status,
        owner=owner, address=spec.address, language=spec.language,
        notes="Demo client." if spec.language == "en" else "Khách hàng mẫu.",
        cadence_days=10 if spec.name == "Hà Thành Bank" else None,
        created_at=created, updated_at=created,
    )


def _contacts(client: Client, spec: DemoClient, rng: random.Random) -> list[Contact]:
    domain = "".join(ch for ch in spec.name.lower().split()[0] if ch.isascii() and ch.isalnum())
    contacts = []
    for number, (name, title, role) in enumerate(spec.contacts):
        contacts.append(Contact(
            organization_id=client.organization_id, client=client, name=name, title=title,
            role=role, is_primary=number == 0,
            email=f"contact{number + 1}@{domain or 'client'}{client.pk}.example",
            phone=f"+84 9{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
            if spec.language == VN else f"+1 555 {rng.randint(1000, 9999)}",
        ))
    return Contact.objects.bulk_create(contacts)


def _needs(client: Client, owner: User, rng: random.Random) -> None:
    picks = rng.sample(NEEDS, k=rng.randint(2, 4))
    needs = []
    for title, priority, source in picks:
        status = rng.choice(NEED_STATUSES)
        needs.append(Need(
            organization_id=client.organization_id, client=client, title=title,
            priority=priority, source=source, status=status, created_by=owner,
            description=f"{title}, as {client.name} described it.",
            dropped_reason="Replaced by a simpler manual process." if status == "dropped" else "",
        ))
    Need.objects.bulk_create(needs)


def _interactions(client: Client, spec: DemoClient, contacts: list[Contact], owner: User,
                  now: dt.datetime, rng: random.Random) -> None:
    cadence = client.cadence_days or health.DEFAULT_CADENCE_DAYS[Tier(client.tier)]
    # The story: slipping and unhappy clients have often gone quiet lately.
    quiet_for = 0
    if spec.status == ClientStatus.FORMER:
        quiet_for = 200
    elif spec.mood in {"slipping", "unhappy"} and rng.random() < 0.75:
        quiet_for = int(cadence * rng.uniform(1.4, 3.0))
    else:
        quiet_for = rng.randint(0, max(1, cadence - 2))
    moments = []
    at = now - dt.timedelta(days=365)
    last = now - dt.timedelta(days=quiet_for)
    while at < last:
        moments.append(at.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 15, 30, 45))))
        at += dt.timedelta(days=max(1, int(cadence * rng.uniform(0.6, 1.1))))
    moments.append(last.replace(hour=10, minute=0))
    rows = []
    for index, moment in enumerate(moments):
        kind = rng.choice((InteractionKind.CALL, InteractionKind.CALL, InteractionKind.MEETING,
                           InteractionKind.EMAIL, InteractionKind.NOTE))
        is_last = index == len(moments) - 1
        follow_up = None
        done = None
        if rng.random() < 0.35 or is_last:
            follow_up = timezone.localdate(moment) + dt.timedelta(days=rng.randint(3, 10))
            done = moment + dt.timedelta(days=rng.randint(2, 9)) if not is_last else None
            if is_last and quiet_for <= 3:
                follow_up = timezone.localdate(now) + dt.timedelta(days=rng.randint(2, 6))
        rows.append(Interaction(
            organization_id=client.organization_id, client=client, kind=kind,
            occurred_at=moment, summary=rng.choice(SUMMARIES[kind]),
            outcome="Agreed on the next steps." if kind == InteractionKind.MEETING else "",
            next_step="Send the revised proposal" if follow_up else "",
            follow_up_on=follow_up, follow_up_done_at=done, created_by=owner, created_at=moment,
        ))
    created = Interaction.objects.bulk_create(rows)
    links = Interaction.contacts.through
    people = Interaction.participants.through
    links.objects.bulk_create([
        links(interaction_id=i.pk, contact_id=rng.choice(contacts).pk) for i in created
    ])
    people.objects.bulk_create([people(interaction_id=i.pk, user_id=owner.pk) for i in created])
    Client.objects.filter(pk=client.pk).update(last_contact_at=max(moments))


def _issues(client: Client, spec: DemoClient, contacts: list[Contact], owner: User,
            now: dt.datetime, rng: random.Random) -> None:
    """Issues with due dates in the organization's business time: resolved ones that met their
    SLA or breached it, and open ones running, paused or already past due."""
    from tandem.clients.services.settings import account_settings_for, sla_table
    from tandem.clients.sla import BusinessClock

    if client.status == ClientStatus.PROSPECT:
        return
    clock = BusinessClock.for_settings(account_settings_for(client.organization_id))
    targets = sla_table(client.organization_id)
    count = {"happy": 1, "steady": 2, "slipping": 3, "unhappy": 4}[spec.mood]
    for number in range(count):
        severity = rng.choice((Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM,
                               Severity.MEDIUM, Severity.LOW))
        response_minutes, resolution_minutes = targets[(severity, client.tier)]
        is_open = number == count - 1 and spec.mood != "happy" and spec.status != "former"
        opened = now - dt.timedelta(days=rng.randint(1, 4) if is_open else rng.randint(15, 300),
                                    hours=rng.randint(0, 6))
        response_due = clock.add(opened, response_minutes)
        resolution_due = clock.add(opened, resolution_minutes)
        raised_by = rng.choice(contacts)
        issue = ClientIssue(
            organization_id=client.organization_id, client=client,
            title=rng.choice(ISSUE_TITLES), severity=severity, owner=owner,
            description="Reported by the client; see the timeline.", raised_by=raised_by,
            channel=rng.choice((IssueChannel.EMAIL, IssueChannel.ACCOUNT_MANAGER)),
            opened_at=opened, first_response_due_at=response_due,
            resolution_due_at=resolution_due,
        )
        late = spec.mood in {"slipping", "unhappy"} and rng.random() < 0.6
        events: list[tuple[dt.datetime, str, str]] = [(opened, "", IssueStatus.NEW)]
        responded = clock.add(opened, max(1, int(response_minutes * (1.6 if late else 0.5))))
        if responded < now:
            issue.first_response_at = responded
            issue.status = IssueStatus.ACKNOWLEDGED
            events.append((responded, IssueStatus.NEW, IssueStatus.ACKNOWLEDGED))
            if responded > response_due:
                issue.response_breached_at = response_due
        if is_open:
            if rng.random() < 0.3 and issue.first_response_at:
                issue.status = IssueStatus.WAITING_ON_CLIENT
                issue.paused_at = now - dt.timedelta(hours=rng.randint(2, 30))
                events.append((issue.paused_at, IssueStatus.ACKNOWLEDGED,
                               IssueStatus.WAITING_ON_CLIENT))
            elif resolution_due < now:
                issue.resolution_breached_at = resolution_due
        else:
            resolved = clock.add(opened, max(2, int(resolution_minutes
                                                    * (1.5 if late else rng.uniform(0.3, 0.9)))))
            resolved = min(resolved, now - dt.timedelta(hours=1))
            issue.status, issue.resolved_at = IssueStatus.CLOSED, resolved
            issue.closed_at = resolved + dt.timedelta(days=1)
            if not issue.first_response_at:
                issue.first_response_at = resolved
            if resolved > resolution_due:
                issue.resolution_breached_at = resolution_due
            events.append((resolved, IssueStatus.ACKNOWLEDGED, IssueStatus.RESOLVED))
            events.append((issue.closed_at, IssueStatus.RESOLVED, IssueStatus.CLOSED))
        issue.save()
        IssueEvent.objects.bulk_create([
            IssueEvent(organization_id=client.organization_id, issue=issue, at=at,
                       actor=owner, kind="opened" if not before else "status",
                       from_status=before, to_status=after)
            for at, before, after in events
        ])
        if issue.resolved_at is not None and raised_by.email:
            _answered_survey(client, raised_by, SurveyKind.CSAT, issue=issue, period="",
                             sent=issue.resolved_at, score=rng.choice(MOOD_SCORES[spec.mood][0]),
                             rng=rng, late=issue.resolution_breached_at is not None)


def _nps(client: Client, spec: DemoClient, contacts: list[Contact], now: dt.datetime,
         rng: random.Random) -> None:
    """One NPS per quarter for the last four quarters; the current one still unanswered for
    some clients."""
    primary = contacts[0]
    today = timezone.localdate(now)
    current = today.year * 4 + (today.month - 1) // 3
    for quarters_ago in range(3, -1, -1):
        year, quarter = divmod(current - quarters_ago, 4)
        start = dt.datetime(year, quarter * 3 + 1, 1, 9, tzinfo=timezone.get_current_timezone())
        sent = min(start + dt.timedelta(days=rng.randint(5, 20)), now - dt.timedelta(hours=3))
        period = f"{year}-Q{quarter + 1}"
        # Moods move: a slipping client was happy a year ago.
        choices = MOOD_SCORES[spec.mood][1]
        if spec.mood in {"slipping", "unhappy"} and quarters_ago >= 2:
            choices = MOOD_SCORES["steady"][1]
        answered = quarters_ago > 0 or rng.random() < 0.6
        _answered_survey(client, primary, SurveyKind.NPS, issue=None, period=period,
                         sent=sent, score=rng.choice(choices) if answered else None, rng=rng,
                         late=False)


def _answered_survey(client: Client, contact: Contact, kind: str, *, issue: ClientIssue | None,
                     period: str, sent: dt.datetime, score: int | None, rng: random.Random,
                     late: bool) -> None:
    if kind == SurveyKind.CSAT and late and score is not None:
        score = max(1, score - 1)
    answered_at = sent + dt.timedelta(hours=rng.randint(2, 72)) if score is not None else None
    if answered_at is not None and answered_at > timezone.now():
        answered_at = timezone.now()
    comment = ""
    if score is not None and rng.random() < 0.4:
        comment = {True: "Great support from the team, thank you.",
                   False: "Too slow to respond; we had to chase twice."}[
            score >= (4 if kind == SurveyKind.CSAT else 8)]
    Survey.objects.get_or_create(
        organization_id=client.organization_id, client=client, contact=contact, kind=kind,
        period=period, issue=issue,
        defaults={
            # The demo's links were never emailed: a random, unknowable token stands in.
            "token_digest": hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
            "sent_at": sent, "expires_at": sent + dt.timedelta(days=30),
            "answered_at": answered_at, "score": score, "comment": comment,
        },
    )
