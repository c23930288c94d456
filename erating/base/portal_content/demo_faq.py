"""The demo portal's frequently asked questions, in Malay and English (our own wording)."""

FAQ = [
    ("Apakah eRating?", "What is eRating?",
     "<p>eRating ialah sistem penilaian kepuasan pelanggan secara elektronik bagi agensi Kerajaan. Pelanggan "
     "yang berurusan di kaunter atau premis Kerajaan menilai perkhidmatan yang diterima dalam beberapa saat, "
     "dan agensi memantau keputusannya secara langsung untuk menambah baik penyampaian perkhidmatan.</p>",
     "<p>eRating is an electronic customer-satisfaction rating system for government agencies. Customers served "
     "at a government counter or premise rate the service in a few seconds, and the agency follows the results "
     "live to improve how it serves the public.</p>"),
    ("Bagaimanakah saya mengakses eRating?", "How do I reach eRating?",
     "<p>Pelanggan tidak perlu mengakses apa-apa: imbas kod QR di kaunter atau sentuh wajah pada tablet. "
     "Kakitangan agensi log masuk melalui butang <strong>Log masuk</strong> di portal ini menggunakan e-mel "
     "rasmi yang didaftarkan oleh pentadbir agensi.</p>",
     "<p>Customers need no access at all: they scan the QR code at the counter or touch a face on the tablet. "
     "Agency staff log in with the <strong>Log in</strong> button on this portal, using the official e-mail "
     "address their agency administrator registered.</p>"),
    ("Adakah pelanggan perlu mendaftar atau memasang aplikasi?", "Do customers need to register or install an app?",
     "<p>Tidak. Penilaian dibuat tanpa akaun dan tanpa aplikasi. Butiran hubungan hanya diminta jika pelanggan "
     "mahu agensi menghubunginya semula.</p>",
     "<p>No. Rating needs no account and no app. Contact details are asked only if the customer wants the "
     "agency to get back to them.</p>"),
    ("Apakah keperluan bagi agensi untuk melaksanakan eRating?", "What does an agency need to run eRating?",
     "<p>Komputer meja atau komputer riba dengan pelayar web untuk pemantauan dan laporan. Di kaunter:</p>"
     "<ul><li><strong>Kod QR</strong>: poster atau pelekat bercetak sahaja; pelanggan menggunakan telefon "
     "sendiri.</li><li><strong>Tablet</strong>: tablet dengan pelayar web moden dan sambungan Internet, "
     "dipasang menghadap pelanggan.</li></ul><p>Sistem ini ditawarkan tanpa kos kepada agensi Kerajaan.</p>",
     "<p>A desktop or laptop computer with a web browser for monitoring and reports. At the counter:</p>"
     "<ul><li><strong>QR code</strong>: a printed poster or sticker only; customers use their own phones.</li>"
     "<li><strong>Tablet</strong>: a tablet with a modern web browser and an Internet connection, mounted "
     "facing the customer.</li></ul><p>The system is offered free of charge to government agencies.</p>"),
    ("Kod QR atau tablet: yang manakah lebih sesuai?", "QR code or tablet: which suits us better?",
     "<p>Kod QR lebih mudah dan jimat: tiada peranti untuk dibeli, dicas atau disenggara, dan pelanggan tidak "
     "menyentuh skrin yang dikongsi. Tablet sesuai di kaunter yang ramai pelanggan warga emas atau tanpa "
     "telefon pintar. Agensi boleh menggunakan kedua-duanya di premis yang sama.</p>",
     "<p>QR codes are simpler and cheaper: no device to buy, charge or maintain, and customers do not touch a "
     "shared screen. Tablets suit counters with many elderly customers or customers without smartphones. An "
     "agency may use both at the same premise.</p>"),
    ("Apakah yang boleh dinilai?", "What can be rated?",
     "<p>Kaunter, petugas kaunter, sesuatu perkhidmatan (contohnya pembaharuan lesen) atau fasiliti di premis "
     "(contohnya ruang menunggu, tandas atau surau). Setiap satu mempunyai kod QR sendiri.</p>",
     "<p>A counter, a counter officer, a service (for example licence renewal) or a facility at the premise "
     "(for example the waiting area, toilets or prayer room). Each has its own QR code.</p>"),
    ("Siapakah pengguna sistem dan apakah peranan mereka?", "Who uses the system and what are their roles?",
     "<ul><li><strong>Pentadbir sistem</strong>: pasukan eRating; meluluskan agensi dan memantau semua agensi."
     "</li><li><strong>Pentadbir agensi</strong>: menyediakan premis, kaunter, petugas, tablet dan poster, "
     "serta menjana laporan agensi.</li><li><strong>Penyelia premis</strong>: memantau premis yang "
     "diserahkan dan mengambil tindakan susulan.</li><li><strong>Petugas kaunter</strong>: melayan pelanggan "
     "dan mendaftar masuk syif pada tablet.</li></ul>",
     "<ul><li><strong>System administrators</strong>: the eRating team; they approve agencies and oversee all "
     "of them.</li><li><strong>Agency administrators</strong>: set up premises, counters, officers, tablets "
     "and posters, and produce the agency's reports.</li><li><strong>Premise supervisors</strong>: follow the "
     "premises assigned to them and act on feedback.</li><li><strong>Counter officers</strong>: serve customers "
     "and sign on to their shift on the tablet.</li></ul>"),
    ("Bolehkah pentadbir agensi menambah pengguna sendiri?", "Can an agency administrator add users?",
     "<p>Ya. Pentadbir agensi menambah petugas dan penyelia, satu demi satu atau secara pukal daripada "
     "hamparan, dan menyahaktifkan mereka yang bertukar atau bersara.</p>",
     "<p>Yes. The agency administrator adds officers and supervisors, one by one or in bulk from a spreadsheet, "
     "and deactivates those who transfer or retire.</p>"),
    ("Bolehkah agensi menjana laporan sendiri?", "Can an agency produce its own reports?",
     "<p>Ya. Laporan boleh dijana pada bila-bila masa mengikut tempoh, premis, kaunter atau petugas, dalam "
     "format PDF, Excel atau CSV.</p>",
     "<p>Yes. Reports can be produced at any time by period, premise, counter or officer, as PDF, Excel or "
     "CSV.</p>"),
    ("Bagaimanakah kod QR dijana dan dicetak?", "How are QR codes produced and printed?",
     "<p>Pentadbir agensi mencetak poster kod QR bagi setiap kaunter, perkhidmatan, fasiliti atau petugas "
     "daripada sistem, dalam saiz A4 atau A5. Petugas tidak perlu berbuat apa-apa selain memastikan poster "
     "kelihatan kepada pelanggan.</p>",
     "<p>The agency administrator prints QR posters for each counter, service, facility or officer from the "
     "system, in A4 or A5. Officers need do nothing but keep the poster where customers can see it.</p>"),
    ("Di manakah data disimpan dan siapa yang dapat melihatnya?", "Where is the data kept and who can see it?",
     "<p>Data disimpan dalam pangkalan data eRating di pusat data sektor awam di Malaysia. Penilaian sesebuah "
     "agensi hanya dapat dilihat oleh kakitangan agensi itu mengikut peranan masing-masing dan oleh pentadbir "
     "sistem eRating. Portal awam hanya memaparkan angka agregat.</p>",
     "<p>Data is kept in the eRating database in the public-sector data centre in Malaysia. An agency's ratings "
     "can be seen only by that agency's staff, according to their role, and by the eRating system "
     "administrators. The public portal shows aggregate figures only.</p>"),
    ("Bagaimanakah agensi memohon untuk menyertai eRating?", "How does an agency apply to join eRating?",
     "<p>Isi <a href=\"/apply/\">borang permohonan dalam talian</a> dengan butiran agensi dan pegawai yang "
     "bertanggungjawab. Pasukan eRating akan menyemak permohonan dan menghubungi pegawai tersebut; setelah "
     "diluluskan, pentadbir agensi menerima jemputan log masuk melalui e-mel.</p>",
     "<p>Fill in the <a href=\"/apply/\">online application form</a> with the agency's details and the officer "
     "responsible. The eRating team reviews the application and contacts that officer; once approved, the "
     "agency administrator receives a log-in invitation by e-mail.</p>"),
    ("Tablet kami rosak dan sudah tamat waranti. Apa yang perlu dibuat?",
     "Our tablet is broken and out of warranty. What should we do?",
     "<p>Waranti tablet yang dibekalkan secara pusat telah tamat, dan penggantian tidak lagi disediakan. Agensi "
     "boleh menyediakan tablet sendiri (sebarang tablet dengan pelayar web moden) dan memasangkannya dengan kod "
     "daripada menu <strong>Tablet</strong>, atau beralih kepada kod QR yang tidak memerlukan peranti.</p>",
     "<p>The warranty of the centrally supplied tablets has ended and replacements are no longer provided. "
     "Agencies may provide their own tablet (any tablet with a modern web browser) and pair it with a code from "
     "the <strong>Tablets</strong> menu, or move to QR codes, which need no device.</p>"),
    ("Tablet lambat atau memaparkan luar talian. Kenapa?", "The tablet is slow or shows offline. Why?",
     "<p>Semak kelajuan dan capaian Internet di premis. Tablet menyimpan penilaian semasa rangkaian terputus "
     "dan menghantarnya apabila sambungan pulih, jadi tiada penilaian yang hilang.</p>",
     "<p>Check the Internet speed and coverage at the premise. The tablet keeps ratings while the network is "
     "down and sends them when the connection returns, so no rating is lost.</p>"),
    ("Bagaimanakah agensi boleh meningkatkan bilangan penilaian?", "How can an agency get more ratings?",
     "<p>Sokongan pengurusan atasan amat penting. Masukkan jemputan menilai ke dalam prosedur operasi standard "
     "kaunter, letakkan kod QR di tempat yang jelas, dan kongsikan keputusan dengan petugas setiap bulan.</p>",
     "<p>Support from top management matters most. Put the invitation to rate into the counter's standard "
     "operating procedure, place QR codes where they are easy to see, and share the results with officers "
     "every month.</p>"),
]
