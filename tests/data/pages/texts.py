"""The articles' own text, written by hand for the saved pages (see build_pages.py).

Each article: headline, optional deck (the standfirst under it), byline line (as the page
shows it, or None), then its blocks: a plain string is a paragraph, ("h", text) a subheading,
("li", [items]) a bulleted list, ("q", speaker, text) a transcript turn shown as
"SPEAKER: text". "author" overrides the name the page's metadata gives when the byline line
cannot be cut down to it. What a reader calls "the article" is exactly these lines; the
pages wrap them in a site's chrome.
"""

DEADLINE = dict(
    headline="Pentagon gives Anthropic until Friday to drop AI safeguards or face government action",
    byline="By Mike Stone and Deepa Seetharaman, Reuters",
    blocks=[
        "WASHINGTON (Reuters) - Defense Secretary Pete Hegseth told Anthropic chief executive Dario Amodei on Tuesday that the company must agree to let the military use its artificial intelligence models for any lawful purpose by Friday at 5 p.m. or face severe government action, according to people familiar with the meeting.",
        "The options discussed included designating the San Francisco-based company a supply-chain risk, a label usually reserved for firms tied to foreign adversaries, or invoking the Defense Production Act to compel it to comply, a senior Pentagon official said.",
        "The meeting was arranged to settle a months-long dispute over Anthropic's refusal to remove safeguards that stop its Claude models from being used to target weapons autonomously or to conduct surveillance inside the United States.",
        "Pentagon officials have argued that the government should only be bound by U.S. law, not by a vendor's usage policy, when it uses AI systems it has paid for.",
        "An Anthropic spokesperson said Tuesday's discussion \"continued good-faith conversations about our usage policy to ensure Anthropic can continue to support the government's national security mission in line with what our models can reliably and responsibly do.\"",
        "The Pentagon did not immediately respond to a request for comment.",
        "The department is negotiating contracts with several large language model providers, including Google, xAI and OpenAI, covering autonomous drone swarms, robotics and cyber operations. Until recently Anthropic was the only such developer whose models ran on classified networks.",
        "This week the Pentagon announced an agreement allowing xAI to operate in those environments, and Reuters has previously reported that all major AI companies are expected to move onto classified systems.",
        "The dispute escalated this month after Pentagon officials became concerned that Anthropic had asked whether its products were used during the military raid in Venezuela that captured President Nicolas Maduro. In the meeting, Amodei said the company had not raised such concerns with Palantir or the Pentagon, the people said.",
        "\"This specific scenario is unprecedented and will almost certainly trigger a raft of downstream litigation if the Administration takes adverse action against Anthropic here,\" said Franklin Turner, a government contracts lawyer at McCarter & English.",
        "(Reporting by Mike Stone and Deepa Seetharaman in Washington; Editing by Chris Sanders)",
    ],
)

BLOG = dict(
    headline="Can a vendor's usage policy bind the Pentagon? A procurement lawyer's reading",
    byline="Posted by Rebecca Alvarez",
    blocks=[
        "I have spent the better part of twenty years reading government contracts for a living, so I was not surprised when friends started sending me the news about the Pentagon and Anthropic with one question attached: can they actually do that?",
        "The short answer is that it depends on what \"that\" means, and on which document you think governs.",
        ("h", "The license is the contract"),
        "Commercial software is usually bought under the vendor's commercial license, modified by whatever clauses the agency insists on. The Federal Acquisition Regulation tells agencies to accept commercial terms where they are consistent with federal law. An acceptable use policy incorporated by reference into that license is, on its face, part of the deal.",
        "That is the point Anthropic's lawyers will press. The department agreed to the terms, used the product under them for more than a year, and now wants different terms. That is a renegotiation, not an enforcement action.",
        ("h", "The department's answer"),
        "The Pentagon's position, as officials have described it, is that the government should only be bound by the law when it uses a tool, not by a private company's view of what is appropriate. There is a real argument there. Agencies routinely strike clauses that purport to limit their sovereign functions, and a policy that forbids certain military uses starts to look like one of those.",
        "But striking a clause at award is one thing. Threatening to call a domestic supplier a supply-chain risk because it will not strike the clause after award is something else, and I do not know of a precedent for it.",
        ("h", "What I would watch"),
        "First, whether the department puts its demand in writing as a contract modification. Second, whether any designation cites the statutory authority it relies on, because the supply-chain provisions were written with foreign adversaries in mind. Third, whether other vendors quietly change their own policies before Friday. The last one will tell you more than any court filing.",
        "None of this is legal advice, and the facts are moving quickly. I will update this post if the department publishes anything.",
    ],
)

LIVE = dict(
    headline="Pentagon's deadline for Anthropic passes: live updates",
    byline="By Tom Reilly, Sarah Kim and Daniel Ortega",
    author="Tom Reilly, Sarah Kim and Daniel Ortega",
    blocks=[
        "The Defense Department's 5 p.m. deadline for Anthropic to accept its terms has passed. Follow our live coverage below.",
        ("h", "7:42 p.m. ET"),
        "A senior Pentagon official told reporters on a call that the department had received a written response from Anthropic shortly before the deadline and was reviewing it. The official declined to describe its contents.",
        ("h", "7:15 p.m. ET"),
        "Shares of Palantir rose 3 percent in after-hours trading. Analysts said investors were betting that the company, which integrates several AI models for the military, would benefit whichever way the dispute ends.",
        ("h", "6:50 p.m. ET"),
        "Senator Mark Warner, the top Democrat on the Intelligence Committee, said in a statement that using the Defense Production Act against an American company over its safety policies would be \"a dangerous misuse of an emergency authority.\"",
        ("h", "6:21 p.m. ET"),
        "Anthropic has not commented publicly since the deadline. A spokesperson said earlier in the day that the company remained \"committed to supporting national security in ways our models can reliably and responsibly do.\"",
        ("h", "5:48 p.m. ET"),
        "Our Pentagon correspondent reports that Defense Secretary Pete Hegseth left the building at about 5:30 p.m. without speaking to reporters. Aides said he would make no statement tonight.",
        ("h", "5:03 p.m. ET"),
        "The deadline has passed. There is no word yet from either side on whether Anthropic has agreed to remove the safeguards that bar its models from autonomous weapons targeting and domestic surveillance.",
        ("h", "4:30 p.m. ET"),
        "Employees at several AI companies circulated an open letter supporting Anthropic's position. By mid-afternoon it had more than 400 signatures, according to its organizers.",
        ("h", "3:55 p.m. ET"),
        "What the department has threatened: designating Anthropic a supply-chain risk, which would make it hard for any government contractor to use its products, or invoking the Defense Production Act to compel it to provide its models on the department's terms.",
    ],
)

COMMENTS = dict(
    headline="County approves data center rezoning after five-hour hearing",
    byline="By Linda Marsh, Staff Writer",
    blocks=[
        "The Fairview County Board of Supervisors voted 4-1 early Wednesday to rezone 212 acres off Route 9 for a data center campus, ending a five-hour public hearing that drew more than 300 residents to the high school auditorium.",
        "The developer, Northpoint Digital, plans six buildings that together would draw up to 300 megawatts from the grid, roughly the demand of the county's entire residential base today. Company officials said the campus would pay about $38 million a year in property taxes once complete.",
        "Supporters cited those revenues, which would roughly double the county's commercial tax base, and the 150 permanent jobs the company has promised. \"We can either grow our tax base or keep raising taxes on homeowners,\" said Supervisor Alan Pruitt, who voted in favor.",
        "Opponents raised concerns about noise from cooling equipment, diesel backup generators and the water the campus would use. Several residents of the Meadowbrook subdivision, which borders the site, said they had not been told about the project until surveys began last spring.",
        "Supervisor Karen Deaton, the lone no vote, said the county had not finished a study of the power lines the project would need. \"We are being asked to approve the building before we know what it takes to plug it in,\" she said.",
        "The approval includes conditions: a 300-foot landscaped buffer along the subdivision, limits on generator testing to weekday daytime hours, and closed-loop cooling that the company says will use less water than a typical golf course.",
        "The utility serving the county has said it will need to build a new substation and about nine miles of transmission line. That work requires separate approval from the state's utility commission, which is expected to hold hearings next year.",
        "A group of residents said after the vote that they were considering a legal challenge.",
    ],
)

JSONLD = dict(
    headline="xAI cleared to run its models on the Pentagon's classified networks",
    byline=None,
    blocks=[
        "The Defense Department has signed an agreement that lets Elon Musk's xAI deploy its Grok models on classified military networks, the department said on Monday, ending Anthropic's position as the only large language model developer cleared to work in those environments.",
        "The agreement covers use at the Secret and Top Secret levels and was reached after months of security reviews, a department spokesperson said. Financial terms were not disclosed.",
        "The move comes as the Pentagon presses AI companies to accept that the military may use their models for any lawful purpose. Anthropic has resisted removing restrictions on autonomous weapons targeting and domestic surveillance, and officials have threatened to designate the company a supply-chain risk.",
        "Officials said the department expects all major AI developers to move onto classified systems over the coming year, including Google and OpenAI, which already hold unclassified contracts.",
        "Analysts said the agreement reduces the Pentagon's dependence on a single supplier at a moment when it is in open conflict with that supplier. \"A second option on the high side changes the negotiating position completely,\" said one former defense official.",
        "xAI did not respond to a request for comment.",
    ],
)

GERMAN = dict(
    headline="Pentagon stellt Anthropic ein Ultimatum im Streit um KI-Schutzvorkehrungen",
    byline="Von Katrin Bauer",
    blocks=[
        "Im Streit um die Nutzung künstlicher Intelligenz durch das US-Militär hat Verteidigungsminister Pete Hegseth dem KI-Unternehmen Anthropic eine Frist bis Freitag gesetzt. Bis dahin soll die Firma zustimmen, dass das Pentagon ihre Modelle für jeden rechtmäßigen Zweck einsetzen darf.",
        "Andernfalls drohen dem Unternehmen aus San Francisco ernste Konsequenzen, wie Personen berichten, die mit dem Treffen zwischen Hegseth und Anthropic-Chef Dario Amodei vertraut sind. Im Gespräch sei unter anderem, Anthropic als Risiko für die Lieferkette einzustufen oder den Defense Production Act anzuwenden, ein Gesetz aus der Zeit des Koreakriegs.",
        ("h", "Streit um autonome Waffen und Überwachung"),
        "Anthropic weigert sich seit Monaten, Schutzvorkehrungen zu entfernen, die verhindern sollen, dass seine Claude-Modelle Waffen selbstständig auf Ziele richten oder zur Überwachung im Inland eingesetzt werden. Das Pentagon argumentiert, die Regierung müsse sich bei der Nutzung von KI-Systemen nur an amerikanisches Recht halten, nicht an die Nutzungsbedingungen eines Herstellers.",
        "Ein Sprecher von Anthropic sagte, das Gespräch habe die Verhandlungen in gutem Glauben fortgesetzt. Das Unternehmen wolle die nationale Sicherheit weiter unterstützen, soweit seine Modelle dies zuverlässig und verantwortungsvoll leisten könnten.",
        ("h", "Konkurrenz auf geheimen Netzen"),
        "Bislang war Anthropic der einzige Entwickler großer Sprachmodelle, dessen Software auf den geheimen Netzen des Militärs lief. In dieser Woche gab das Pentagon jedoch eine Vereinbarung mit xAI bekannt, dem KI-Unternehmen von Elon Musk. Auch mit Google und OpenAI wird verhandelt.",
        "Juristen erwarten bei einem harten Vorgehen der Regierung eine Welle von Klagen. Ein solches Vorgehen gegen ein amerikanisches Unternehmen wäre ohne Beispiel, sagte ein Anwalt für öffentliches Auftragswesen in Washington.",
    ],
)

FRENCH = dict(
    headline="Le Pentagone lance un ultimatum à Anthropic sur l'usage militaire de l'IA",
    byline="Par Claire Dumont (Washington, correspondante)",
    blocks=[
        "Le secrétaire américain à la défense, Pete Hegseth, a donné jusqu'à vendredi 17 heures à la société Anthropic pour accepter que l'armée utilise ses modèles d'intelligence artificielle à toutes fins légales, selon plusieurs personnes informées de sa rencontre, mardi, avec le patron de l'entreprise, Dario Amodei.",
        "Faute d'accord, le Pentagone pourrait désigner la start-up californienne comme un risque pour la chaîne d'approvisionnement, une mesure d'ordinaire réservée aux entreprises liées à des puissances hostiles, ou invoquer le Defense Production Act, une loi datant de la guerre de Corée qui permet à l'Etat d'imposer des commandes aux industriels.",
        "Au cœur du différend figurent les garde-fous qu'Anthropic refuse de lever depuis des mois : ses modèles Claude ne doivent ni servir à désigner des cibles de façon autonome ni être employés pour la surveillance de la population américaine. Pour le ministère, l'Etat n'a pas à se plier aux conditions d'utilisation d'un fournisseur, seulement à la loi.",
        "Le conflit s'est envenimé ce mois-ci, après que des responsables du Pentagone se sont inquiétés de questions posées par Anthropic sur l'usage éventuel de ses outils lors du raid militaire au Venezuela qui a abouti à la capture de Nicolas Maduro. M. Amodei a assuré n'avoir exprimé aucune inquiétude de ce genre.",
        "La position d'Anthropic s'est affaiblie avec l'annonce, cette semaine, d'un accord autorisant xAI, la société d'Elon Musk, à opérer sur les réseaux classifiés de l'armée, où Anthropic était jusqu'ici le seul acteur de son genre.",
        "« Ce scénario est sans précédent et déclenchera presque certainement une cascade de contentieux », estime Franklin Turner, avocat spécialisé dans les marchés publics.",
    ],
)

RELEASE = dict(
    headline="Department of Defense Announces Framework for Frontier AI Capabilities on Classified Networks",
    byline=None,
    blocks=[
        "The Department of Defense today announced a framework under which providers of frontier artificial intelligence models may deploy their capabilities on the department's classified networks, following the completion of security accreditation for a second provider.",
        "The framework sets common requirements for model hosting, data handling, audit logging and incident reporting at the Secret and Top Secret levels. Providers that meet the requirements will be eligible to support intelligence analysis, logistics planning, cyber defense and other mission areas.",
        "\"The warfighter deserves the best tools American industry can build, on the networks where the mission happens,\" said the Chief Digital and Artificial Intelligence Officer. \"This framework gives every qualified American provider a clear path to get there.\"",
        "Under the framework, the department will retain sole authority to determine lawful uses of AI capabilities it acquires, consistent with the Constitution, applicable statutes and Department of Defense Directive 3000.09, Autonomy in Weapon Systems.",
        "The department expects additional providers to complete accreditation in the coming months. Further information is available from the Chief Digital and Artificial Intelligence Office.",
    ],
)

NEWSLETTER = dict(
    headline="The Friday deadline nobody in Silicon Valley wanted",
    deck="Washington gives an AI lab until 5 p.m. Friday, and what the rest of the industry thinks",
    byline="Nina Park",
    blocks=[
        "Welcome back to Compute & Country. This week there was only one story, so this issue is about it.",
        "If you missed it: the Pentagon has told Anthropic that it must let the military use its models for any lawful purpose by Friday, or the department will either label the company a supply-chain risk or use the Defense Production Act against it. Anthropic's red lines, no autonomous targeting and no domestic surveillance, are not new. The ultimatum is.",
        ("h", "Why now"),
        "Two things changed. The department now has a second provider cleared for classified work, which means it can walk away without losing capability on the networks that matter. And the relationship soured after officials came to believe, wrongly according to Amodei, that Anthropic had questioned the use of its tools in the Venezuela raid.",
        "In other words, the Pentagon has leverage it did not have in the autumn, and a grievance it did not have a month ago.",
        ("h", "What the industry is doing"),
        "Mostly, keeping quiet. I spoke to people at three of the other labs this week and none wanted to be quoted. Privately, the view is split. Some think Anthropic is taking a principled stand that will protect everyone. Others think it is about to teach the government that usage policies are negotiable, which would be worse for all of them.",
        "What nobody expects is for the supply-chain designation to hold up in court. What they worry about is that it does not need to. A designation that lasts six months while the litigation runs could cost Anthropic most of its government business and a good deal of its commercial business with defense contractors.",
        ("h", "One thing to read"),
        "The Defense Production Act has been used to order ventilators and baby formula. It has never, as far as anyone I asked could recall, been used to make a company change a product's terms of use. If the department tries, that will be the story of the year in tech policy.",
        "That's it for this week. Reply to this email if you know something I should.",
    ],
)

ANALYSIS = dict(
    headline="What the Defense Production Act can, and cannot, make an AI company do",
    byline="By Priya Raman, Senior Policy Analyst",
    blocks=[
        "The Pentagon's threat to invoke the Defense Production Act against Anthropic has sent lawyers back to a statute most of them last read during the pandemic. Here is what the law says, what it has been used for, and where a fight over AI safeguards would break new ground.",
        ("h", "A Korean War law with broad language"),
        "Congress passed the act in 1950 to make sure the military could get what it needed for the war in Korea. Its core provision, Title I, lets the president require companies to accept and prioritize contracts that the government deems necessary for national defense. Presidents have delegated that power to several departments, including Defense.",
        "The language is broad. It covers \"materials, services, and facilities,\" and courts have rarely been asked to decide what falls outside it.",
        ("h", "How it has been used"),
        "Recent uses have mostly been about volume and priority, not about the design of a product:",
        ("li", [
            "ordering manufacturers to produce ventilators and protective equipment in 2020;",
            "prioritizing contracts for vaccine ingredients and equipment in 2021;",
            "speeding the production of infant formula during the 2022 shortage;",
            "funding domestic production of critical minerals and battery materials.",
        ]),
        ("h", "Where AI is different"),
        "What the department wants from Anthropic is not more of something. It wants the company to provide its models under different terms, without restrictions the company wrote into its usage policy. That is closer to compelling a company to change how its product works than to putting a government order at the front of the queue.",
        "Some scholars argue that a priority order can require a company to deliver a product to the government's specification, and the government would say that is all it is asking. Others point out that the act has never been read to override a supplier's decision about what it is willing to make.",
        ("h", "The supply-chain alternative"),
        "The second option the Pentagon has named, designating Anthropic a supply-chain risk, rests on different statutes written to keep equipment from companies tied to foreign adversaries out of federal systems. Using it against a domestic company over a policy disagreement would invite a challenge that the designation is arbitrary.",
        ("h", "What to expect"),
        "If the department acts, expect a lawsuit within days, a request for a temporary restraining order, and an argument over whether a court may second-guess a national-defense determination at all. Judges have historically been reluctant to do so. They have also rarely seen a case like this one.",
    ],
)

INTERVIEW = dict(
    headline="\"There is no precedent for this\": a contracts lawyer on the Pentagon's threat to Anthropic",
    byline="Interview by James Whitaker",
    blocks=[
        "Franklin Turner has advised government contractors for more than two decades. We spoke on Wednesday about the Defense Department's ultimatum to Anthropic. The conversation has been edited for length and clarity.",
        ("q", "JAMES WHITAKER", "Let's start with the basics. Can the Pentagon call an American company a supply-chain risk?"),
        ("q", "FRANKLIN TURNER", "The statutes don't say it can't. But they were written with a particular kind of company in mind, one with ties to a foreign adversary, and every designation I know of has been that kind. This would be something new."),
        ("q", "JAMES WHITAKER", "What would it mean in practice for Anthropic?"),
        ("q", "FRANKLIN TURNER", "It would not only lose its own contracts. Any contractor that does business with the government would have to ask whether using Anthropic's products puts its own contracts at risk. A lot of them would simply stop. That is the point of the threat."),
        ("q", "JAMES WHITAKER", "And the Defense Production Act?"),
        ("q", "FRANKLIN TURNER", "That is a more familiar tool, but it has been used to get more of something, masks or formula or minerals. Using it to make a company drop the terms on which it sells a product would be untested. I would expect litigation either way."),
        ("q", "JAMES WHITAKER", "You've said this will trigger a raft of downstream litigation. Who sues whom?"),
        ("q", "FRANKLIN TURNER", "Anthropic sues the government, certainly. But also contractors caught in the middle, companies that built products on these models and suddenly cannot sell them. Then there are bid protests on the contracts the department awards instead."),
        ("q", "JAMES WHITAKER", "Is there a way out that doesn't end in court?"),
        ("q", "FRANKLIN TURNER", "There usually is. The department writes down which uses it actually needs, the company writes down which ones it will not support, and they find the overlap is bigger than anyone said in public. That's how most of these end."),
    ],
)

AMP = dict(
    headline="Army picks three firms to prototype AI-directed drone swarms",
    byline="By Marcus Lee",
    blocks=[
        "The Army has chosen three companies to build prototype control systems for swarms of small drones that can divide tasks among themselves with limited human direction, the service said Thursday.",
        "The contracts, worth up to $45 million combined over two years, go to Anduril Industries, Shield AI and a smaller Virginia firm, Skyline Autonomy. Each will deliver software that lets a single operator direct dozens of drones for reconnaissance and electronic warfare missions.",
        "The Army said the systems would keep a human responsible for any use of force, in line with Defense Department policy on autonomy in weapon systems. The prototypes will not be armed during testing, a spokesperson said.",
        "The awards are part of a broader push to field large numbers of cheap drones, a lesson officials say they have drawn from the war in Ukraine. The Pentagon is also negotiating with several AI model providers over how their systems may be used in programs like these.",
        "Testing is scheduled to begin next spring at Fort Huachuca, Arizona.",
    ],
)

INLINE_ADS = dict(
    headline="Palantir says AI dispute will not slow its defense work",
    byline="By Erin Cho, Technology Reporter",
    blocks=[
        "Palantir Technologies said on Thursday that the dispute between the Pentagon and Anthropic would not disrupt the military programs it runs, even if the department cuts off one of the AI models built into its software.",
        "The Denver-based company integrates several commercial models into the platforms it sells to the armed forces, including Anthropic's Claude, which was for a time the only large language model cleared for the military's classified networks.",
        "\"Our customers choose the models, and our software is built so that they can change that choice,\" chief technology officer Shyam Sankar said on a call with analysts. \"No single vendor is a point of failure for a mission.\"",
        "The comments came two days after Defense Secretary Pete Hegseth gave Anthropic until Friday to let the military use its models for any lawful purpose, or face designation as a supply-chain risk.",
        "Anthropic has refused to remove safeguards that bar autonomous weapons targeting and domestic surveillance. The relationship with the department deteriorated after officials came to believe that Anthropic had questioned the use of its tools in the raid in Venezuela, which the company denies.",
        "Palantir's shares have risen about 12 percent since the dispute became public, as investors bet that companies sitting between the government and the model makers stand to gain whichever way it ends.",
        "Sankar declined to say whether the Pentagon had asked Palantir to stop using Claude. The department's agreement with xAI this week means its models can now be offered on classified networks too, he said.",
        "Analysts at Morgan Stanley wrote in a note that a designation would create \"months of friction\" for contractors using Anthropic's models, but that most could switch providers within a quarter.",
    ],
)

PAYWALL = dict(
    headline="Inside the meeting where the Pentagon's patience with Anthropic ran out",
    byline="By Helen Marsh and Raj Patel",
    blocks=[
        "The meeting in Defense Secretary Pete Hegseth's office lasted a little under an hour. By the end of it, according to three people briefed on the conversation, Anthropic's chief executive had been given a date, a time and two ways the government could make his company's life very hard.",
        "Dario Amodei arrived with a short presentation on how the company's safeguards work in practice, the people said. He argued that the restrictions, which bar the use of Claude models for autonomous weapons targeting and for surveillance of Americans, had not obstructed any current department program.",
        "Hegseth was not persuaded. The government, he said, would decide what was lawful, and would not accept a supplier deciding which lawful uses it would allow. He then laid out the options: a designation as a supply-chain risk, or an order under the Defense Production Act.",
        "Officials had grown frustrated for months, but the turning point came this month, when they came to believe Anthropic had raised questions about whether its tools were used in the raid that captured Nicolas Maduro. Amodei told Hegseth the company had raised no such concerns, the people said.",
        "For Anthropic, the timing is awkward. The Pentagon has just cleared xAI to operate on classified networks, ending the company's position as the only model developer there, and is negotiating with Google and OpenAI.",
        "People close to the company say it is prepared to lose its defense contracts rather than drop the two restrictions, but that it hopes to avoid a designation that would scare off contractors in its commercial business.",
        "An Anthropic spokesperson described the meeting as a continuation of good-faith conversations. The Pentagon declined to comment.",
    ],
)

OPINION = dict(
    headline="The Pentagon is right that it cannot outsource the laws of war",
    byline="By Gen. (ret.) Robert Hale",
    blocks=[
        "I commanded soldiers for thirty years, and in every one of them the question of what we could lawfully do was answered by the law, by our chain of command and, in the end, by the conscience of the person holding the weapon. It was never answered by the company that made the weapon.",
        "That is why I think the Defense Department is right in principle in its dispute with Anthropic, even though I think it is wrong in how it is going about it.",
        "The company's concerns are serious ones. Autonomous targeting and surveillance of Americans are exactly the uses that should worry us. But the way to rule them out is through law and policy made by accountable officials, not through a license agreement that a vendor can rewrite and that no voter ever saw.",
        "The department already has a policy on autonomy in weapon systems, and Congress has the power to write stricter rules if it thinks that policy is too weak. If Anthropic's engineers believe those rules are inadequate, they should say so in public and ask Congress to act. Many of us would listen.",
        "Where the department is wrong is in its choice of weapon. Threatening to brand an American company a supply-chain risk, a label meant for firms beholden to our adversaries, because it will not change its terms of service, does real damage to the trust between the military and the industry it depends on. Every founder who is weighing whether to sell to the government is watching.",
        "There is a better path. Write down the uses the military needs, put them before the relevant committees, and let the company decide whether it can live with them. If it cannot, buy from someone else. The department now has other options on its classified networks. It does not need to make an example of anyone.",
        "Robert Hale is a retired Army lieutenant general and a senior fellow at the Center for Defense Studies.",
    ],
)

BRIEF = dict(
    headline="Anthropic says it will keep talking with Pentagon after deadline passes",
    byline="By Staff",
    blocks=[
        "Anthropic said on Saturday that it would continue discussions with the Defense Department after a Friday deadline to accept the department's terms passed without an announcement from either side.",
        "In a short statement, the company said it had responded to the department in writing and remained \"committed to supporting the government's national security mission in line with what our models can reliably and responsibly do.\" It did not say whether it had agreed to remove any safeguards.",
        "People familiar with the talks said the two sides had exchanged drafts of a narrower set of permitted uses during the week, but that the department had not accepted them.",
        "The Pentagon said it was reviewing the response. Defense Secretary Pete Hegseth had threatened to designate the company a supply-chain risk or to invoke the Defense Production Act if it did not comply.",
    ],
)

DIV_SOUP = dict(
    headline="Guard unit to test AI logistics tool at county airfield",
    byline="By Dale Hutchins, Courier-Gazette",
    blocks=[
        "The state Air National Guard will spend six weeks this spring testing an artificial intelligence system that plans maintenance and fuel deliveries at the county airfield, the unit's commander said Monday.",
        "Col. Teresa Whitfield told the county commission that the software, supplied under a Defense Department pilot program, would suggest schedules for mechanics and fuel trucks but would not make decisions on its own. \"A person signs off on every plan,\" she said.",
        "The airfield hosts eight cargo aircraft and about 300 full-time Guard members. Whitfield said the unit was chosen because its maintenance records are fully digital, which the system needs.",
        "Commissioners asked whether the test would bring more flights. Whitfield said it would not, and that no new equipment would be installed beyond two servers in an existing building.",
        "The pilot is one of several the Pentagon is running as it negotiates with AI companies over how their models may be used, a dispute that has drawn national attention in recent weeks. Whitfield said the system being tested at the airfield was not built on any of the models at the center of that dispute.",
        "The commission took no action. The test is scheduled to begin in April.",
    ],
)

TEASER_LD = dict(
    headline="Defense contractors quietly audit their use of Anthropic's models",
    byline="By Laura Chen",
    blocks=[
        "Several of the largest U.S. defense contractors have begun reviewing which of their products and internal tools rely on Anthropic's Claude models, according to four people familiar with the efforts, as they prepare for the possibility that the Pentagon designates the company a supply-chain risk.",
        "The reviews, which began after Defense Secretary Pete Hegseth gave Anthropic a Friday deadline, are meant to establish how quickly the companies could switch to other providers if the department forbids its suppliers from using the models, the people said.",
        "At one large contractor, engineers were asked to list every system that calls the model through an outside service, including tools used by human resources and legal teams. At another, the review is limited to software delivered to government customers.",
        "None of the companies has stopped using the models, the people said. Two said their companies had been told informally by department officials that no decision had been made.",
        "A designation would be an unusual step against an American company. The supply-chain statutes were written to keep equipment from firms tied to foreign adversaries out of government systems, and lawyers expect any designation to be challenged in court.",
        "Anthropic declined to comment on the reviews. The Pentagon said it does not comment on ongoing discussions with industry.",
    ],
)

REACT_DIVS = dict(
    headline="Lawmakers ask Pentagon to explain threat against AI supplier",
    byline="By Naomi Brooks",
    blocks=[
        "A bipartisan group of House members asked the Defense Department on Wednesday to explain the legal basis for threatening to designate Anthropic a supply-chain risk, saying the step could chill cooperation between the military and American technology companies.",
        "In a letter to Defense Secretary Pete Hegseth, the seven lawmakers, four Democrats and three Republicans on the Armed Services Committee, asked which statute the department would rely on and whether it had ever used such a designation against a domestic company.",
        "\"We share the department's view that the military, not its vendors, decides how to fight within the law,\" the letter said. \"We do not share the view that a disagreement over contract terms is a threat to the supply chain.\"",
        "The lawmakers also asked for a briefing on the department's agreements with other AI developers, including the one announced this week that allows xAI to operate on classified networks.",
        "A Pentagon spokesperson said the department would respond to the members directly.",
    ],
)
