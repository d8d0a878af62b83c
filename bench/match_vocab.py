"""A broad news vocabulary for bench/match_bench.py: real places, people,
organisations and companies (each an alias group, as a monitoring desk
writes them) and topic words/phrases across every news beat.

Deliberately not derived from the benchmark articles: most groups are about
other subjects, as on a real desk whose rules cover many clients and beats.
"""

from __future__ import annotations

# One alias group a line: the names a desk would OR together for one entity.
COUNTRIES = """Afghanistan|Afghan|Kabul|Taliban
Albania|Albanian|Tirana
Algeria|Algerian|Algiers
Angola|Angolan|Luanda
Argentina|Argentine|Buenos Aires
Armenia|Armenian|Yerevan
Australia|Australian|Canberra
Austria|Austrian|Vienna
Azerbaijan|Azerbaijani|Baku
Bahrain|Bahraini|Manama
Bangladesh|Bangladeshi|Dhaka
Belarus|Belarusian|Minsk|Lukashenko
Belgium|Belgian|Brussels
Bolivia|Bolivian|La Paz
Bosnia|Bosnian|Sarajevo
Brazil|Brazilian|Brasilia|Lula
Bulgaria|Bulgarian|Sofia
Cambodia|Cambodian|Phnom Penh
Cameroon|Cameroonian|Yaounde
Canada|Canadian|Ottawa|Trudeau
Chile|Chilean|Santiago
China|Chinese|Beijing|PRC|Xi Jinping
Colombia|Colombian|Bogota
Congo|Congolese|Kinshasa
Croatia|Croatian|Zagreb
Cuba|Cuban|Havana
Cyprus|Cypriot|Nicosia
Czech Republic|Czech|Prague
Denmark|Danish|Copenhagen
Ecuador|Ecuadorian|Quito
Egypt|Egyptian|Cairo|Sisi
Estonia|Estonian|Tallinn
Ethiopia|Ethiopian|Addis Ababa|Abiy
Finland|Finnish|Helsinki
France|French|Paris|Elysee|Macron
Georgia|Georgian|Tbilisi
Germany|German|Berlin|Bundestag|Scholz
Ghana|Ghanaian|Accra
Greece|Greek|Athens
Guatemala|Guatemalan
Haiti|Haitian|Port-au-Prince
Hungary|Hungarian|Budapest|Orban
India|Indian|New Delhi|Modi
Indonesia|Indonesian|Jakarta|Prabowo
Iran|Iranian|Tehran|Khamenei
Iraq|Iraqi|Baghdad
Ireland|Irish|Dublin
Israel|Israeli|Jerusalem|Netanyahu
Italy|Italian|Rome|Meloni
Ivory Coast|Ivorian|Abidjan
Jamaica|Jamaican|Kingston
Japan|Japanese|Tokyo|Kishida|Ishiba
Jordan|Jordanian|Amman
Kazakhstan|Kazakh|Astana
Kenya|Kenyan|Nairobi|Ruto
Kosovo|Pristina
Kuwait|Kuwaiti
Kyrgyzstan|Kyrgyz|Bishkek
Laos|Lao|Vientiane
Latvia|Latvian|Riga
Lebanon|Lebanese|Beirut|Hezbollah
Libya|Libyan|Tripoli|Benghazi
Lithuania|Lithuanian|Vilnius
Malaysia|Malaysian|Kuala Lumpur|Anwar
Mali|Malian|Bamako
Mexico|Mexican|Mexico City|Sheinbaum
Moldova|Moldovan|Chisinau
Mongolia|Mongolian|Ulaanbaatar
Morocco|Moroccan|Rabat
Mozambique|Mozambican|Maputo
Myanmar|Burmese|Naypyitaw|junta
Nepal|Nepali|Kathmandu
Netherlands|Dutch|Amsterdam|The Hague
New Zealand|Wellington
Nicaragua|Nicaraguan|Managua
Niger|Niamey
Nigeria|Nigerian|Abuja|Lagos|Tinubu
North Korea|DPRK|Pyongyang|Kim Jong Un|Kim Jong-un
Norway|Norwegian|Oslo
Oman|Omani|Muscat
Pakistan|Pakistani|Islamabad
Panama|Panamanian
Paraguay|Paraguayan|Asuncion
Peru|Peruvian|Lima
Philippines|Filipino|Manila|Marcos
Poland|Polish|Warsaw|Tusk
Portugal|Portuguese|Lisbon
Qatar|Qatari|Doha
Romania|Romanian|Bucharest
Russia|Russian|Moscow|Kremlin|Putin
Rwanda|Rwandan|Kigali|Kagame
Saudi Arabia|Saudi|Riyadh
Senegal|Senegalese|Dakar
Serbia|Serbian|Belgrade|Vucic
Singapore|Singaporean
Slovakia|Slovak|Bratislava
Slovenia|Slovenian|Ljubljana
Somalia|Somali|Mogadishu|al-Shabaab
South Africa|South African|Pretoria|Johannesburg|Ramaphosa
South Korea|Seoul|ROK|Yoon Suk Yeol|Lee Jae-myung
Spain|Spanish|Madrid|Sanchez
Sri Lanka|Sri Lankan|Colombo
Sudan|Sudanese|Khartoum|RSF
Sweden|Swedish|Stockholm
Switzerland|Swiss|Bern|Geneva|Zurich
Syria|Syrian|Damascus
Taiwan|Taiwanese|Taipei
Tajikistan|Tajik|Dushanbe
Tanzania|Tanzanian|Dodoma|Dar es Salaam
Thailand|Thai|Bangkok
Tunisia|Tunisian|Tunis
Turkey|Turkish|Ankara|Istanbul|Erdogan
Turkmenistan|Turkmen|Ashgabat
Uganda|Ugandan|Kampala|Museveni
Ukraine|Ukrainian|Kyiv|Zelenskiy|Zelensky
United Arab Emirates|UAE|Emirati|Abu Dhabi|Dubai
United Kingdom|UK|British|Britain|London|Downing Street|Starmer
United States|US|U.S.|American|Washington|White House
Uruguay|Uruguayan|Montevideo
Uzbekistan|Uzbek|Tashkent
Venezuela|Venezuelan|Caracas|Maduro
Vietnam|Vietnamese|Hanoi|Ho Chi Minh City
Yemen|Yemeni|Sanaa|Houthi|Houthis
Zambia|Zambian|Lusaka
Zimbabwe|Zimbabwean|Harare"""

PEOPLE = """Donald Trump|Trump
Joe Biden|Biden
Kamala Harris|Harris
JD Vance|Vance
Marco Rubio|Rubio
Antony Blinken|Blinken
Janet Yellen|Yellen
Scott Bessent|Bessent
Jerome Powell|Powell
Christine Lagarde|Lagarde
Ursula von der Leyen|von der Leyen
Kaja Kallas|Kallas
Antonio Guterres|Guterres
Mark Rutte|Rutte
Jens Stoltenberg|Stoltenberg
Rafael Grossi|Grossi
Tedros Adhanom Ghebreyesus|Tedros
Kristalina Georgieva|Georgieva
Ngozi Okonjo-Iweala|Okonjo-Iweala
Sergei Lavrov|Lavrov
Wang Yi
Li Qiang
Song Tao
Choe Son Hui
Kim Yo Jong
Friedrich Merz|Merz
Keir Starmer
Rishi Sunak|Sunak
Giorgia Meloni
Pedro Sanchez
Viktor Orban
Recep Tayyip Erdogan
Benjamin Netanyahu
Mohammed bin Salman|MBS
Narendra Modi
Shehbaz Sharif
Fumio Kishida
Shigeru Ishiba
Lai Ching-te
Ferdinand Marcos Jr
Anthony Albanese|Albanese
Justin Trudeau
Mark Carney|Carney
Claudia Sheinbaum
Javier Milei|Milei
Luiz Inacio Lula da Silva
Gustavo Petro|Petro
Nicolas Maduro
Cyril Ramaphosa
Bola Tinubu
William Ruto
Volodymyr Zelenskiy
Alexander Lukashenko
Elon Musk|Musk
Jeff Bezos|Bezos
Mark Zuckerberg|Zuckerberg
Tim Cook
Sundar Pichai|Pichai
Satya Nadella|Nadella
Sam Altman|Altman
Jensen Huang
Warren Buffett|Buffett
Jamie Dimon|Dimon
Larry Fink
Bill Gates
Pope Francis|Pope Leo
King Charles
Prince William
Taylor Swift
Cristiano Ronaldo|Ronaldo
Lionel Messi|Messi
Kylian Mbappe|Mbappe
Erling Haaland|Haaland
LeBron James
Novak Djokovic|Djokovic
Carlos Alcaraz|Alcaraz
Jannik Sinner
Aryna Sabalenka
Max Verstappen|Verstappen
Lewis Hamilton
Simone Biles
Greta Thunberg
Julian Assange|Assange
Alexei Navalny|Navalny
Yevgeny Prigozhin|Prigozhin
Ali Khamenei
Masoud Pezeshkian|Pezeshkian
Abbas Araqchi
Yahya Sinwar|Sinwar
Mahmoud Abbas
Bashar al-Assad|Assad
Ahmed al-Sharaa
Abdel Fattah al-Burhan|Burhan
Min Aung Hlaing
Aung San Suu Kyi|Suu Kyi
Hun Manet
Prabowo Subianto
Anwar Ibrahim
Lawrence Wong
Tharman Shanmugaratnam"""

ORGANISATIONS = """United Nations|UN|U.N.
Security Council|UNSC
General Assembly
NATO|North Atlantic Treaty Organization
European Union|EU|Brussels
European Commission
European Parliament
European Central Bank|ECB
Federal Reserve|Fed
Bank of England|BoE
Bank of Japan|BOJ
People's Bank of China|PBOC
International Monetary Fund|IMF
World Bank
World Trade Organization|WTO
World Health Organization|WHO
International Atomic Energy Agency|IAEA
OPEC|OPEC+
G7|Group of Seven
G20|Group of 20
BRICS
ASEAN
African Union
Arab League
Gulf Cooperation Council|GCC
International Criminal Court|ICC
International Court of Justice|ICJ
Red Cross|ICRC
UNICEF
UNHCR
World Food Programme|WFP
Amnesty International
Human Rights Watch
Doctors Without Borders|MSF
Greenpeace
Interpol
Europol
FBI
CIA
Pentagon
State Department
Treasury Department|US Treasury
Justice Department
Supreme Court
Congress|Capitol Hill
Senate
House of Representatives
Democrats|Democratic Party
Republicans|Republican Party|GOP
Labour Party|Labour
Conservative Party|Tories
Communist Party|CCP
Workers' Party of Korea
Hamas
Hezbollah
Islamic State|ISIS
al Qaeda
Wagner Group|Wagner
Revolutionary Guards|IRGC
People's Liberation Army|PLA
Korean Central News Agency|KCNA
Yonhap
Xinhua
Reuters
Associated Press|AP
Bloomberg
SEC|Securities and Exchange Commission
FTC|Federal Trade Commission
FDA|Food and Drug Administration
CDC|Centers for Disease Control
NASA
SpaceX
ESA|European Space Agency
FIFA
UEFA
IOC|International Olympic Committee
NBA
NFL
Premier League
Champions League
Formula One|F1
Wimbledon
Nobel Committee|Nobel Prize"""

COMPANIES = """Apple|iPhone
Microsoft
Alphabet|Google
Amazon|AWS
Meta|Facebook|Instagram|WhatsApp
Nvidia
Tesla
OpenAI|ChatGPT
Anthropic
Samsung|Samsung Electronics
SK Hynix
LG Electronics
Hyundai|Kia
TSMC|Taiwan Semiconductor
Intel
AMD
Qualcomm
Broadcom
ASML
Huawei
ZTE
Xiaomi
Alibaba
Tencent
ByteDance|TikTok
Baidu
BYD
CATL
Sony
Toyota
Honda
Nissan
SoftBank
Volkswagen|VW
BMW
Mercedes-Benz
Stellantis
Renault
Ford
General Motors|GM
Boeing
Airbus
Lockheed Martin
Raytheon|RTX
Northrop Grumman
BAE Systems
Rheinmetall
Thales
Siemens
Bosch
BASF
Bayer
Pfizer
Moderna
AstraZeneca
Novartis
Roche
Sanofi
GSK
Johnson & Johnson
Eli Lilly
Novo Nordisk|Ozempic|Wegovy
Merck
ExxonMobil|Exxon
Chevron
Shell
BP
TotalEnergies
Saudi Aramco|Aramco
Gazprom
Rosneft
Sinopec
PetroChina
Glencore
Rio Tinto
BHP
Vale
ArcelorMittal
JPMorgan|JPMorgan Chase
Goldman Sachs
Morgan Stanley
Citigroup|Citi
Bank of America
Wells Fargo
HSBC
Barclays
UBS
Credit Suisse
Deutsche Bank
BNP Paribas
Santander
BlackRock
Berkshire Hathaway
Visa
Mastercard
PayPal
Binance
Coinbase
FTX
Walmart
Costco
Target
Nike
Adidas
LVMH
Unilever
Nestle
Coca-Cola
PepsiCo
McDonald's
Starbucks
Disney
Netflix
Warner Bros
Spotify
Uber
Airbnb
Maersk
FedEx
UPS
Emirates
Lufthansa
Air France-KLM
Ryanair
Delta Air Lines
United Airlines
American Airlines
Cathay Pacific
Korean Air
Vodafone
Deutsche Telekom
Verizon
AT&T
Nokia
Ericsson
IBM
Oracle
Salesforce
SAP
Adobe
Palantir
CrowdStrike
Foxconn
Rakuten
Reliance Industries|Reliance
Tata|Tata Motors|Tata Steel
Infosys
Adani|Adani Group
Evergrande
Country Garden"""

# Topic words and phrases across beats, as the second group of a desk rule.
TOPICS = """envoy diplomat delegation summit talks sanctions tariffs missile missiles nuclear test launch
visit minister president officials election vote protest strike ceasefire treaty agreement embargo
drone drones troops border refugees inflation exports imports currency budget parliament court
ruling investigation arrest scandal resignation coalition opposition military navy army weapons
satellite earthquake flood floods wildfire hurricane typhoon drought pandemic vaccine outbreak
hospital energy pipeline gas oil coal solar reactor uranium enrichment inspectors spy espionage
hacker hackers negotiations relations tension tensions crisis meeting leader policy reform economy
growth recession markets stocks bonds shares investors investment merger acquisition takeover
football championship tournament olympics athlete coach transfer stadium league playoffs final
semiconductor semiconductors chips chipmaker smartphone software startup antitrust regulator
regulators lawsuit patent bankruptcy layoffs earnings revenue profit losses dividend shareholders
ipo valuation crypto bitcoin stablecoin airline airport aviation crash derailment shipping port
container freight logistics doctors nurses cancer diabetes malaria tuberculosis measles cholera
trial drug pharmaceutical insurance pension unemployment wages housing mortgage rent tourism
festival museum film actor singer album concert award novelist university students teachers exam
research scientists telescope asteroid rocket spacecraft orbit astronaut emissions carbon glacier
heatwave biodiversity deforestation wildlife fisheries farmers harvest wheat rice coffee cocoa
fertilizer famine aid donors charity migrants asylum deportation smuggling trafficking cartel gang
homicide shooting police prosecutors verdict sentence appeal judge jury corruption bribery
embezzlement fraud laundering whistleblower journalist censorship referendum constitution
impeachment governor mayor campaign ballot turnout polls monarchy coronation funeral royal church
mosque temple pilgrimage railway highway bridge tunnel construction infrastructure electricity
blackout grid battery lithium copper nickel mining steel aluminium automaker recall robot
algorithm chatbot privacy encryption outage ransomware broadband telecom defectors defector
interceptors interceptor drills exercises artillery warplanes warship warships submarine
destroyer carrier airspace invasion offensive counteroffensive shelling airstrike airstrikes
casualties hostages hostage kidnapping insurgents militants rebels coup junta martial law curfew
evacuation humanitarian blockade annexation occupation genocide tribunal extradition amnesty
pardon detention prisoner prisoners exchange parade anniversary ceremony banquet delegates
congress plenary politburo succession dynasty propaganda loyalty purge execution labour
workers union unions walkout shutdown deficit debt default bailout stimulus subsidies tax taxes
levy customs quota smuggled oil tanker tankers vessel vessels seized seizure interdiction
tariff dumping exporters importers supply shortage shortages prices price rally slump plunge
surge soar tumble forecast outlook guidance downgrade upgrade rating ratings yields treasury
bond lending loan loans credit banks banking fintech payments remittances gold silver platinum
rare earths graphite cobalt hydrogen wind turbines nuclear power plant decommissioning waste
pollution smog plastic recycling ocean coral drought irrigation dam reservoir monsoon cyclone
tsunami volcano eruption landslide avalanche tornado storm snowstorm heat cold famine locusts
epidemic virus variant infections deaths mortality hospitals clinic surgery transplant
obesity dementia alzheimer mental health suicide opioid fentanyl cocaine heroin cannabis
gambling casino lottery betting doping scandal transfer window relegation promotion derby
semifinal quarterfinal world cup grand slam marathon cycling boxing wrestling cricket rugby
baseball basketball hockey golf tennis swimming athletics medal medals record champion
streaming box office premiere festival award oscars grammys bestseller exhibition auction
fashion luxury retail sales consumer spending confidence sentiment manufacturing factory
factories output productivity automation artificial intelligence data centre cloud computing
quantum cybersecurity cyberattack breach leak leaks surveillance facial recognition
disinformation misinformation social media platform moderation ban bans fine fines penalty
settlement probe inquiry hearing testimony subpoena indictment charges charged convicted
acquitted sentenced jailed released bail fugitive manhunt escape riot riots unrest clashes
crackdown dissident dissidents activists activist opposition leader exile asylum seekers
border wall crossing crossings checkpoint visa visas passport citizenship census population
birth rate fertility ageing pensioners retirement school schools education tuition
scholarship curriculum strike teachers ransom piracy pirates coast guard fishing boat
fishermen island islands reef territorial dispute sovereignty claims patrol patrols
intercept intercepted shot down downed wreckage investigation black box pilot pilots
crew passengers cruise ferry capsized sank rescue rescued missing survivors dead killed
injured wounded
acquisitions aerospace agriculture airlines alliance allies ambassador ambassadors amendment
analysts antibiotics apartment arbitration archaeology architects armistice arms arsenal asylum
audit auditors austerity authoritarian autonomy backlash ballot bankers bargaining barrels
benchmark bilateral billionaire biotech blockchain bombing bombings boycott brokers bureaucracy
cabinet capital capitalism cargo casualty catastrophe cathedral ceasefires chancellor chemicals
chemist childcare civilians climate clinics coalition coastline collapse colonial commerce
commodities commodity communist compensation competition compliance concessions conglomerate
conservation consortium consumers contamination contractor contracts convention convoy
cooperation copyright coronavirus counterfeit crops cryptocurrency currencies cyclists dairy
dealers decree deficits deflation delegation demonstrators deployment deposits deregulation
detainees devaluation developers diaspora diesel diplomacy disarmament discrimination disease
displaced divestment dockworkers donations dropout ecology economists ecosystem elections
electorate embassy emigration emperor employers employment endangered engineers entrepreneurs
epidemiologists equities ethanol euro eurozone evacuees exiles expansion expatriates explosion
explosives exporter extremism extremists fatalities federal fighters firefighters fiscal
flooding forests fraudsters freedom fuel fundraising gasoline genetics geopolitics greenhouse
grain guerrillas handover harbour hedge heritage highways homelessness hospitality hurricanes
hydropower immigration immunity incumbent indigenous industrial industry inequality inflows
insolvency insurgency insurers intelligence interest investigators irrigation judiciary
jurisdiction kidnappers landmines legislation legislature lenders liberals liquidity livestock
lobbying lockdown manufacturers maritime marines mediation mediators mergers microchips
midterms migrants militia militias minerals ministry monopoly mortgages municipal mutiny
nationalism nationalist negotiators neutrality nominee nuclear obesity offshore oilfield
oligarchs ombudsman outflows overdose pandemic paramilitary parliamentarians peacekeepers
peacekeeping pensions petroleum pharmacies plaintiffs plantation pollsters populist poverty
premiums president privatisation productivity prosecutor protectionism protesters provinces
quarantine racism radiation rainfall ransomware ratification rearmament rebellion recalls
reconstruction referendums refinery regime regulations reinsurance remittance renewables
reparations republic reservists resettlement reserves retailers retaliation revenues
revolution rioters ruling rupee sabotage sanitation scholars secession secularism securities
semiconductor senators separatists shareholder shipyard shortfall skyscraper smugglers
socialism solvency sovereignty speculators startups statehood stockpile stockpiles strikers
subsidy suburbs superpower suppliers surplus suspects sustainability syndicate takeover
taxpayers technocrats telecoms terrorism textiles theft trade traders treason tribes tuition
turbines underemployment underwriters unrest uprising urbanisation utilities vaccination
vandalism veterans vetoed veto viewers volunteers voters warlords wartime wealth weaponry
whistleblowers wholesale yuan yen dollar sterling ruble rouble won rupiah peso lira shekel
""".split()

TOPIC_PHRASES = """nuclear weapons|ballistic missile|cruise missile|hypersonic missile|spy satellite
|trade deal|peace talks|state visit|foreign minister|prime minister|defence minister|central bank
|interest rates|rate cut|rate hike|climate summit|oil prices|free trade|human rights|cyber attack
|supply chain|election results|special envoy|joint statement|military exercises|live fire
|arms deal|arms sales|export controls|price cap|asset freeze|travel ban|no-fly zone|peace deal
|prisoner swap|state media|news conference|press conference|annual report|quarterly results
|profit warning|share buyback|initial public offering|stock market|bond market|housing market
|labour market|job cuts|minimum wage|cost of living|energy crisis|food security|water shortage
|public health|health care|clinical trial|drug prices|mass shooting|death toll|search and rescue
|war crimes|crimes against humanity|ethnic cleansing|humanitarian aid|aid convoy|refugee camp
|money laundering|insider trading|tax evasion|data breach|election fraud|vote count|exit poll
|general election|snap election|presidential election|no confidence|state of emergency
|martial law|military coup|civil war|ground offensive|air defence|air defense|missile defence
|early warning|warning shots|demilitarized zone|armistice|unification|reunification
|denuclearization|six-party talks|war anniversary|victory day|national day|independence day
|carbon emissions|renewable energy|electric vehicles|electric cars|self-driving|generative ai
|large language model|space station|moon landing|mars mission|world record|gold medal
|transfer fee|head coach|match-fixing|red card|penalty shootout|box office|film festival""".replace("\n", "").split("|")

# Words a desk excludes with NOT to cut noise (sport, opinion, listings ...).
EXCLUSIONS = """football soccer cricket rugby tennis golf basketball baseball recipe horoscope
obituary lottery celebrity gossip fashion crossword quiz podcast sponsored advertisement
weather traffic casino betting dating review preview highlights opinion editorial letters
puzzle cartoon satire parody fiction novel film movie album concert tour""".split()

PREFIXES = """nucle sanction negotiat diplomat militar econom elect protest invest missil
satellit defect refuge migra terror sovereign inflat tariff subsid pharmac vaccin
cyber semicond automat regulat prosecut indict corrupt launder""".split()


def groups(block: str) -> list[list[str]]:
    return [[name.strip() for name in line.split("|") if name.strip()]
            for line in block.strip().splitlines()]


def entity_groups() -> list[list[str]]:
    return groups(COUNTRIES) + groups(PEOPLE) + groups(ORGANISATIONS) + groups(COMPANIES)


def distinct_words() -> int:
    words: set[str] = set()
    for group in entity_groups():
        for name in group:
            words.update(name.lower().split())
    for phrase in TOPIC_PHRASES:
        words.update(phrase.lower().split())
    words.update(w.lower() for w in TOPICS + EXCLUSIONS)
    return len(words)
