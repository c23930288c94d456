"""Names for generated demo data: real-sounding Malaysian ministries, agencies, places and people."""

MINISTRIES = [
    ("kdn", "Kementerian Dalam Negeri", "Ministry of Home Affairs", [
        ("jpn", "Jabatan Pendaftaran Negara", "National Registration Department", "JPN",
         ["Permohonan MyKad", "Pendaftaran Kelahiran", "Pendaftaran Kematian", "Penggantian MyKad Hilang"]),
        ("imi", "Jabatan Imigresen Malaysia", "Immigration Department of Malaysia", "Imigresen",
         ["Pembaharuan Pasport", "Permohonan Pasport Baharu", "Pas Lawatan Kerja"]),
    ]),
    ("mot", "Kementerian Pengangkutan", "Ministry of Transport", [
        ("jpj", "Jabatan Pengangkutan Jalan", "Road Transport Department", "JPJ",
         ["Pembaharuan Lesen Memandu", "Cukai Jalan", "Pendaftaran Kenderaan", "Bayaran Saman"]),
    ]),
    ("kpwkm", "Kementerian Pembangunan Wanita, Keluarga dan Masyarakat",
     "Ministry of Women, Family and Community Development", [
        ("jkm", "Jabatan Kebajikan Masyarakat", "Department of Social Welfare", "JKM",
         ["Bantuan Kebajikan", "Pendaftaran OKU", "Khidmat Nasihat Keluarga"]),
    ]),
    ("mof", "Kementerian Kewangan", "Ministry of Finance", [
        ("jkdm", "Jabatan Kastam Diraja Malaysia", "Royal Malaysian Customs Department", "Kastam",
         ["Pengisytiharan Kastam", "Pendaftaran SST", "Pertanyaan Duti"]),
    ]),
    ("digital", "Kementerian Digital", "Ministry of Digital", [
        ("jdn", "Jabatan Digital Negara", "National Digital Department", "JDN",
         ["Khidmat Bantuan Sistem", "Pendaftaran Agensi"]),
    ]),
]

# (state code, towns) — premises are spread across every state.
TOWNS = [
    ("SGR", ["Shah Alam", "Petaling Jaya", "Klang", "Kajang", "Rawang"]),
    ("KUL", ["Jalan Duta", "Kepong", "Setapak", "Bandar Tun Razak"]),
    ("PJY", ["Presint 2", "Presint 15"]),
    ("JHR", ["Johor Bahru", "Batu Pahat", "Muar", "Kluang"]),
    ("PNG", ["George Town", "Bukit Mertajam", "Seberang Jaya"]),
    ("PRK", ["Ipoh", "Taiping", "Teluk Intan"]),
    ("KDH", ["Alor Setar", "Sungai Petani"]),
    ("KTN", ["Kota Bharu", "Pasir Mas"]),
    ("TRG", ["Kuala Terengganu", "Kemaman"]),
    ("PHG", ["Kuantan", "Temerloh", "Bentong"]),
    ("NSN", ["Seremban", "Port Dickson"]),
    ("MLK", ["Ayer Keroh", "Jasin"]),
    ("PLS", ["Kangar"]),
    ("SBH", ["Kota Kinabalu", "Sandakan", "Tawau"]),
    ("SWK", ["Kuching", "Miri", "Sibu", "Bintulu"]),
    ("LBN", ["Labuan"]),
]

FACILITIES = ["Ruang Menunggu", "Tandas Awam", "Surau", "Tempat Letak Kereta", "Mesin Nombor Giliran"]

# Full names by community, so that patronymics match the given name.
PEOPLE = [
    (["Ahmad", "Muhammad", "Mohd Faizal", "Hafiz", "Zulkifli", "Iskandar", "Awang"],
     ["bin Abdullah", "bin Hassan", "bin Osman", "bin Ibrahim", "bin Othman"]),
    (["Nur Aisyah", "Siti Nurhaliza", "Farah", "Aminah", "Nurul Huda", "Rosnah", "Dayang"],
     ["binti Ismail", "binti Yusof", "binti Rahman", "binti Ahmad"]),
    (["Wei Ming", "Mei Ling", "Kah Seng", "Li Ying"], ["Lim", "Tan", "Wong", "Chong"]),
    (["Rajesh", "Suresh", "Jaswinder"], ["a/l Muthu", "a/l Ramasamy", "a/l Singh"]),
    (["Kavitha", "Priya"], ["a/p Muthu", "a/p Ramasamy"]),
    (["Aloysius", "Jugah"], ["anak Jugah", "anak Ngelai"]),
]


def person_name(rng):
    given, family = rng.choice(PEOPLE)
    first, last = rng.choice(given), rng.choice(family)
    return f"{last} {first}" if last in ("Lim", "Tan", "Wong", "Chong") else f"{first} {last}"

COMMENTS = {
    "high": [
        "Pegawai sangat membantu dan mesra.", "Urusan cepat, terima kasih!", "Perkhidmatan cemerlang.",
        "Very helpful officer, thank you.", "Quick and friendly service.", "Kaunter teratur dan bersih.",
        "Sangat berpuas hati dengan layanan.", "Great service, done in 10 minutes.",
        "服务很好，谢谢！", "அதிகாரி மிகவும் உதவியாக இருந்தார், நன்றி.",
    ],
    "mid": [
        "Boleh dipercepatkan lagi.", "Okay, but the queue was long.", "Sistem giliran kadang-kadang lambat.",
        "Pegawai baik tetapi kurang penerangan.", "Parking was hard to find.",
    ],
    "low": [
        "Menunggu lebih sejam.", "Pegawai tidak mesra.", "Waited over an hour for a simple renewal.",
        "Maklumat yang diberi tidak jelas.", "Tandas kotor dan tiada air.", "Staff was rude at the counter.",
        "Sistem rosak, terpaksa datang semula esok.", "等了一个多小时，柜台只开了一个。",
        "வரிசை மிக நீளமாக இருந்தது, ஸ்ரீ அலுவலகம் தாமதம்.",
    ],
}
