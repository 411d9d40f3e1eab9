# Die Texte des Portals auf Deutsch. Übersetzer: Nur den Text rechts vom "=" ändern; jede { $variable }
# und jede Kennung links bleiben, wie sie sind. Zeilen mit # sind Hinweise.

## Common

# Der eigene Name dieser Sprache, wie ihn die Sprachauswahl zeigt.
language-name = Deutsch
# Der Name des Produkts in Mails.
-product = OTP Portal

# Eine Dauer wird aus Stunden, Minuten und Sekunden zusammengesetzt; ein Teil, der null ist, entfällt.
duration-hours = { $n ->
    [one] 1 Stunde
   *[other] { $n } Stunden
}
duration-minutes = { $n ->
    [one] 1 Minute
   *[other] { $n } Minuten
}
duration-seconds = { $n ->
    [one] 1 Sekunde
   *[other] { $n } Sekunden
}
duration-two-parts = { $first } { $second }
duration-three-parts = { $first } { $second } { $third }

## Mails

# Jede Mail endet mit dieser Zeile.
mail-signature = -- { -product }
# Betreff einer Sicherheitsmeldung: „OTP Portal: Ein Wiederherstellungscode wurde benutzt“.
mail-notice-subject = { -product }: { $title }
mail-account-line = Konto: { $email }
mail-security-line = Sicherheitseinstellungen: { $url }
mail-security-link = Sicherheitseinstellungen
mail-reset-now-link = setzen Sie Ihr Passwort jetzt zurück

# Der Bestätigungscode einer Registrierung. { $ttl } ist eine Dauer wie „5 Minuten“.
mail-verify-subject = Ihr Bestätigungscode für { -product }
# Der Betreff beim Versand, mit dem Code vorn, für die Benachrichtigung auf dem Telefon.
mail-verify-subject-with-code = { $code } ist Ihr Bestätigungscode für { -product }
mail-verify-title = Bestätigen Sie Ihre E-Mail-Adresse für { -product }
# Die Zeile, die ein Mailprogramm unter dem Betreff zeigt.
mail-verify-preheader = { $code } ist Ihr Bestätigungscode. Er läuft in { $ttl } ab.
mail-verify-code-is = Ihr Bestätigungscode für { -product } lautet:
mail-verify-code-is-html = Ihr Bestätigungscode lautet:
mail-verify-hello-html = Hallo { $username },
# Der Link zur Bestätigungsseite folgt in der nächsten Zeile.
mail-verify-expiry = Hallo { $username }, der Code läuft in { $ttl } ab. Geben Sie ihn auf der Seite ein, auf der Sie sich registriert haben, oder öffnen Sie:
mail-verify-expiry-html = Er läuft in { $ttl } ab. Geben Sie ihn auf der Seite ein, auf der Sie sich registriert haben, oder { $link }.
mail-verify-link = öffnen Sie die Bestätigungsseite
mail-verify-not-you = Dieser Code bestätigt die Registrierung des Benutzernamens { $username }. Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Mail: Ohne den Code wird kein Konto angelegt, und die Registrierung wird innerhalb eines Tages gelöscht.

# Ein Code, mit dem ein neues Passwort gesetzt wird.
mail-reset-subject = Ihr Code zum Zurücksetzen des Passworts für { -product }
mail-reset-subject-with-code = { $code } ist Ihr Code zum Zurücksetzen des Passworts für { -product }
mail-reset-title = Setzen Sie Ihr Passwort für { -product } zurück
mail-reset-preheader = { $code } ist Ihr Code zum Zurücksetzen des Passworts. Er läuft in { $ttl } ab.
mail-reset-code-is = Ihr Code zum Zurücksetzen des Passworts für { -product } lautet:
mail-reset-code-is-html = Ihr Code zum Zurücksetzen lautet:
mail-reset-asked = Jemand hat verlangt, das Passwort des Kontos für { $email } zurückzusetzen.
mail-reset-expiry = Der Code läuft in { $ttl } ab. Geben Sie ihn mit Ihrem neuen Passwort ein, oder öffnen Sie:
mail-reset-expiry-html = Er läuft in { $ttl } ab. Geben Sie ihn mit Ihrem neuen Passwort ein, oder { $link }.
mail-reset-link = öffnen Sie die Seite zum Zurücksetzen
mail-reset-not-you = Wenn Sie das nicht waren, ignorieren Sie diese Mail: Ihr Passwort bleibt, wie es ist.

# Ein Code, mit dem man sich statt mit dem Passwort anmeldet.
mail-login-subject = Ihr Anmeldecode für { -product }
mail-login-subject-with-code = { $code } ist Ihr Anmeldecode für { -product }
mail-login-title = Bei { -product } anmelden
mail-login-preheader = { $code } ist Ihr Anmeldecode. Er läuft in { $ttl } ab.
mail-login-code-is = Ihr Anmeldecode für { -product } lautet:
mail-login-code-is-html = Ihr Anmeldecode lautet:
mail-login-asked = Jemand möchte sich beim Konto für { $email } mit einem Code statt mit dem Passwort anmelden.
mail-login-expiry = Der Code läuft in { $ttl } ab. Geben Sie ihn auf der Anmeldeseite ein, oder öffnen Sie:
mail-login-expiry-html = Er läuft in { $ttl } ab. Geben Sie ihn auf der Anmeldeseite ein, oder { $link }.
mail-login-link = öffnen Sie die Anmeldeseite
mail-login-not-you = Wenn Sie das nicht waren, ignorieren Sie diese Mail: Ohne den Code meldet sich niemand an.

# Jemand hat sich mit einer Adresse registriert, die schon ein Konto hat.
mail-exists-subject = Registrierungsversuch mit Ihrer Adresse bei { -product }
mail-exists-title = Jemand wollte sich mit Ihrer Adresse registrieren
mail-exists-tried = Jemand wollte ein neues Konto bei { -product } mit { $email } anlegen, doch für diese Adresse gibt es schon eines.
mail-exists-sign-in = Falls Sie das waren: Sie sind bereits registriert. Melden Sie sich an unter { $url }
mail-exists-forgot = Passwort vergessen? Setzen Sie es zurück unter { $url }
mail-exists-if-you-html = Falls Sie das waren: Sie sind bereits registriert. { $login }, oder { $forgot }, falls Sie es vergessen haben.
mail-exists-sign-in-link = Melden Sie sich an
mail-exists-forgot-link = setzen Sie Ihr Passwort zurück
mail-exists-not-you = Falls Sie das nicht waren, ignorieren Sie diese Mail: Es wurde nichts geändert und kein Konto angelegt.

mail-password-changed-subject = Ihr Passwort für { -product } wurde geändert
mail-password-changed-what = Das Passwort des Kontos für { $email } bei { -product } wurde soeben geändert, und jedes damit angemeldete Gerät wurde abgemeldet.
mail-password-changed-if-you = Wenn Sie das waren, ist nichts zu tun.
mail-password-changed-not-you = Wenn Sie das nicht waren, setzen Sie Ihr Passwort jetzt zurück unter { $url } und prüfen Sie die Sicherheit Ihres Postfachs: Wer das getan hat, konnte Ihre Mails lesen.
mail-password-changed-not-you-html = Wenn Sie das nicht waren, { $link } und prüfen Sie die Sicherheit Ihres Postfachs: Wer das getan hat, konnte Ihre Mails lesen.

# Die Abschiedsmail. { $by } ist „owner“ (der Inhaber) oder „admin“.
mail-deleted-subject = Ihr Konto bei { -product } wurde gelöscht
mail-deleted-what = Das Konto { $username } ({ $email }) bei { -product } wurde { $by ->
    [admin] von einem Administrator
   *[owner] auf Ihren Wunsch
} gelöscht: Seine Sitzungen, sein zweiter Faktor und sein Verlauf sind fort, und Benutzername und Adresse sind wieder frei.
mail-deleted-contact = Wenn Sie das nicht verlangt haben, wenden Sie sich an den Betreiber von { $url }.

mail-disabled-subject = Ihr Konto bei { -product } wurde gesperrt
mail-disabled-what = Das Konto für { $email } bei { -product } wurde von einem Administrator gesperrt: Jedes damit angemeldete Gerät wurde abgemeldet, und bis zur Entsperrung ist keine Anmeldung möglich.
mail-enabled-subject = Ihr Konto bei { -product } wurde wieder freigegeben
mail-enabled-what = Das Konto für { $email } bei { -product } wurde von einem Administrator wieder freigegeben: Sie können sich wie gewohnt anmelden.
mail-questions = Fragen beantwortet der Betreiber von { $url }.

# Der zweite Faktor hat sich geändert.
mail-factor-enabled-title = Die Anmeldung in zwei Schritten ist eingeschaltet
mail-factor-enabled-what = Eine Authenticator-App schützt jetzt das Konto: Bei der Anmeldung wird nach dem Passwort ihr Code verlangt.
mail-factor-disabled-title = Die Anmeldung in zwei Schritten wurde ausgeschaltet
mail-factor-disabled-what = Die Authenticator-App schützt das Konto nicht mehr: Das Passwort allein genügt zur Anmeldung.
mail-factor-recovery-used-title = Ein Wiederherstellungscode wurde benutzt
mail-factor-recovery-used-what = Jemand hat sich mit einem der Wiederherstellungscodes angemeldet. { $remaining ->
    [one] 1 unbenutzter Code bleibt
   *[other] { $remaining } unbenutzte Codes bleiben
}; erstellen Sie auf der Sicherheitsseite neue, bevor sie ausgehen.
mail-factor-renewed-title = Neue Wiederherstellungscodes wurden erstellt
mail-factor-renewed-what = Für das Konto wurden neue Wiederherstellungscodes erstellt; die älteren gelten nicht mehr.
mail-factor-not-you = Wenn Sie das nicht waren, setzen Sie Ihr Passwort jetzt zurück unter { $url }: Jemand kennt es.
mail-factor-not-you-html = Wenn Sie das nicht waren, { $link }: Jemand kennt es.

# Falsche Passwörter haben die Anmeldung am Konto pausiert. { $pause } ist eine Dauer wie „30 Sekunden“.
mail-throttled-subject = Die Anmeldung an Ihrem Konto bei { -product } wurde pausiert
mail-throttled-what = Jemand hat für das Konto von { $email } bei { -product } { $failures ->
    [one] einmal
   *[other] { $failures }-mal hintereinander
} ein falsches Passwort eingegeben, daher ist die Anmeldung für { $pause } pausiert; jedes weitere falsche Passwort verlängert die Pause (jedes Mal um höchstens einige Minuten).
mail-throttled-what-html = Jemand hat für das Konto von { $email } bei { -product } { $failures ->
    [one] einmal
   *[other] { $failures }-mal hintereinander
} ein falsches Passwort eingegeben, daher ist die Anmeldung für { $pause } pausiert.
mail-throttled-if-you = Falls Sie das waren: Warten Sie und versuchen Sie es dann erneut, oder setzen Sie Ihr Passwort zurück unter { $url }
mail-throttled-if-you-html = Falls Sie das waren: Warten Sie und versuchen Sie es dann erneut, oder { $link }.
mail-throttled-reset-link = setzen Sie Ihr Passwort zurück
mail-throttled-not-you = Falls Sie das nicht waren: Ihr Passwort hat gehalten, und niemand hat sich angemeldet. Wählen Sie sicherheitshalber ein neues, einmaliges Passwort unter { $url }
mail-throttled-not-you-html = Falls Sie das nicht waren: Ihr Passwort hat gehalten, und niemand hat sich angemeldet. Sicherheitshalber: { $link }.
mail-throttled-new-password-link = Wählen Sie ein neues, einmaliges Passwort

# Ein Passkey wurde hinzugefügt, zur Anmeldung verwendet oder entfernt. { $name } ist sein Name.
mail-passkey-added-title = Ein Passkey wurde hinzugefügt
mail-passkey-added-what = Mit dem Passkey „{ $name }“ kann man sich jetzt am Konto anmelden.
mail-passkey-used-title = Anmeldung mit einem Passkey
mail-passkey-used-what = Jemand hat sich mit dem Passkey „{ $name }“ am Konto angemeldet.
mail-passkey-removed-title = Ein Passkey wurde entfernt
mail-passkey-removed-what = Mit dem Passkey „{ $name }“ kann man sich nicht mehr am Konto anmelden.
mail-passkey-not-you = Wenn Sie das nicht waren, entfernen Sie unbekannte Passkeys auf der Sicherheitsseite und setzen Sie Ihr Passwort jetzt zurück unter { $url }.
mail-passkey-not-you-html = Wenn Sie das nicht waren, entfernen Sie unbekannte Passkeys auf der Sicherheitsseite und { $link }.

## Client
# Wartezeiten, wie die Sätze unten sie verwenden: „Bitte versuchen Sie es { $wait } noch einmal.“
wait-in = in { $duration }
wait-moment = gleich
# Eine lange Wartezeit, auf ganze Stunden gerundet: „etwa 24 Stunden“.
wait-about = etwa { $duration }

problem-network = Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es noch einmal.
problem-validation_failed = Bitte korrigieren Sie die markierten Felder.
problem-username_taken = Dieser Benutzername ist schon vergeben. Bitte wählen Sie einen anderen.
problem-already_registered = Für diese Adresse gibt es schon ein Konto. Melden Sie sich an, oder setzen Sie das Passwort zurück, falls Sie es vergessen haben.
problem-mfa_already_enabled = Die Authenticator-App ist für dieses Konto schon eingeschaltet. Um eine andere einzurichten, schalten Sie sie zuerst aus.
problem-mfa_not_set_up = Diese Einrichtung ist abgelaufen oder wurde ersetzt. Bitte fangen Sie noch einmal an und scannen Sie den neuen QR-Code.
problem-rate_limited = Zu viele Versuche in kurzer Zeit. Bitte versuchen Sie es { $wait } noch einmal.
problem-captcha_required = Die Prüfung, dass Sie kein Roboter sind, ließ sich nicht abschließen. Bitte warte eine Minute und versuchen Sie es noch einmal.
problem-captcha_invalid = Die Prüfung, dass Sie kein Roboter sind, hat nicht geklappt. Bitte versuchen Sie es noch einmal.
problem-invalid_code = Dieser Code stimmt nicht. Prüfen Sie die E-Mail und versuchen Sie es noch einmal.
problem-invalid_code-attempts = Dieser Code stimmt nicht. { $attempts ->
    [one] 1 Versuch
   *[other] { $attempts } Versuche
} übrig für diesen Code.
problem-code_expired = Dieser Code ist abgelaufen oder wurde durch einen neueren ersetzt. Fordern Sie einen neuen Code an, oder fangen Sie von vorn an.
problem-too_many_attempts = Zu viele falsche Codes: Dieser Code gilt nicht mehr. Fordern Sie einen neuen Code an.
problem-too_many_attempts-address = Zu viele falsche Codes für diese Adresse. Öffnen Sie den Link in unserer neuesten E-Mail (oder fordern Sie einen neuen Code an und öffnen Sie dessen Link).
problem-too_many_attempts-address-wait = Zu viele falsche Codes für diese Adresse. Öffnen Sie den Link in unserer neuesten E-Mail (oder fordern Sie einen neuen Code an und öffnen Sie dessen Link). Von Hand eingegebene Codes gehen wieder in { $wait }.
problem-resend_cooldown = Gerade wurde ein Code verschickt. Einen weiteren können Sie { $wait } anfordern.
problem-invalid_credentials = Benutzername, E-Mail-Adresse oder Passwort stimmen nicht.
problem-email_not_verified = Ihre E-Mail-Adresse ist noch nicht bestätigt. Geben Sie den Code ein, den wir Ihnen geschickt haben, oder fordern Sie einen neuen an.
problem-account_disabled = Dieses Konto wurde von einer Administratorin oder einem Administrator gesperrt und kann sich nicht anmelden.
problem-forbidden = Diese Seite ist nur für Administratoren.
problem-mfa_required = Für die Verwaltung muss die Authenticator-App an Ihrem Konto eingeschaltet sein. Schalten Sie sie auf der Sicherheitsseite ein, und kommen Sie dann zurück.
problem-invalid_token = Ihre Sitzung ist beendet. Bitte melden Sie sich noch einmal an.
problem-unauthorized = Ihre Sitzung ist beendet. Bitte melden Sie sich noch einmal an.
problem-csrf_header_required = Der Server konnte diese Anfrage nicht lesen. Lade die Seite neu und versuchen Sie es noch einmal.
problem-malformed_json = Der Server konnte diese Anfrage nicht lesen. Lade die Seite neu und versuchen Sie es noch einmal.
problem-payload_too_large = Der Server konnte diese Anfrage nicht lesen. Lade die Seite neu und versuchen Sie es noch einmal.
problem-unsupported_media_type = Der Server konnte diese Anfrage nicht lesen. Lade die Seite neu und versuchen Sie es noch einmal.
problem-method_not_allowed = Der Server konnte diese Anfrage nicht lesen. Lade die Seite neu und versuchen Sie es noch einmal.
problem-not_found = Das gibt es nicht mehr. Laden Sie die Seite neu.
problem-service_unavailable = Der Dienst ist gerade ausgelastet. Bitte versuchen Sie es in ein paar Sekunden noch einmal.
problem-internal_error = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal.
problem-unknown = Etwas Unerwartetes ist passiert. Bitte versuchen Sie es noch einmal.

verify-problem-username_taken = Jemand anderes hat zuerst ein Konto mit diesem Benutzernamen bestätigt, deshalb lässt sich diese Registrierung nicht abschließen. Bitte registrieren Sie sich noch einmal mit einem anderen Benutzernamen.
verify-problem-invalid_code-password = Der Code oder das Passwort stimmt nicht. Prüfe beides und versuchen Sie es noch einmal.
verify-problem-invalid_code-password-attempts = Der Code oder das Passwort stimmt nicht. { $attempts ->
    [one] 1 Versuch
   *[other] { $attempts } Versuche
} übrig für diesen Code.

factor-problem-invalid_code-app = Dieser Code stimmt nicht. Geben Sie den Code ein, den Ihre Authenticator-App gerade zeigt (er wechselt alle 30 Sekunden).
factor-problem-invalid_code-recovery = Dieser Wiederherstellungscode stimmt nicht oder wurde schon benutzt. Jeder funktioniert nur einmal.
factor-attempts-left = { $what } { $attempts ->
    [one] Noch 1 Versuch.
   *[other] Noch { $attempts } Versuche.
}
factor-problem-invalid_token = Diese Anmeldung hat zu lange gedauert oder hatte zu viele falsche Codes. Bitte fangen Sie noch einmal an.
factor-password-wrong = Das ist nicht Ihr Passwort.
factor-code-hint = Geben Sie die 6 Ziffern aus Ihrer Authenticator-App oder einen Ihrer Wiederherstellungscodes ein.
factor-recovery-code-invalid = Geben Sie einen Ihrer Wiederherstellungscodes ein: zehn Buchstaben und Ziffern, etwa k7qm2-xw9pa.

field-name-username = Benutzername
field-name-email = E-Mail-Adresse
field-name-password = Passwort
field-name-current_password = Aktuelles Passwort
field-name-code = Code
field-name-login = Benutzername oder E-Mail-Adresse
field-name-other = Dieses Feld
field-required = { $field } fehlt noch.
field-length-between = { $field } muss { $min } bis { $max } Zeichen lang sein.
field-length-min = { $field } muss mindestens { $min } Zeichen lang sein.
field-length-max = { $field } darf höchstens { $max } Zeichen lang sein.
field-username-characters = { $field } darf nur Buchstaben, Ziffern, „_“, „.“ und „-“ enthalten.
field-email-invalid = Geben Sie eine E-Mail-Adresse wie name@example.com ein.
field-code-digits = Geben Sie die 6 Ziffern des Codes ein.
field-current-password-wrong = Das ist nicht Ihr aktuelles Passwort.

problem-passkeys_unavailable = Passkeys sind in diesem Portal nicht verfügbar. Melden Sie sich mit Ihrem Passwort oder einem Code per E-Mail an.
problem-passkey_challenge_invalid = Diese Passkey-Anfrage ist abgelaufen oder wurde schon benutzt. Bitte versuchen Sie es noch einmal.
problem-passkey_refused = Dieser Passkey wurde nicht angenommen. Versuchen Sie einen anderen, oder melden Sie sich mit Ihrem Passwort an.
problem-too_many_passkeys = Dieses Konto hat schon so viele Passkeys, wie es haben kann. Entfernen Sie einen, den Sie nicht mehr benutzen, und fügen Sie dann den neuen hinzu.
problem-passkey_not_available = Für diesen Schritt gibt es keinen Passkey. Geben Sie stattdessen den Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein.

recovery-codes-file-heading =
    { -product }: Wiederherstellungscodes für { $account }
    Erstellt { $created }
recovery-codes-file-explanation =
    Jeder Code meldet Sie einmal an, anstelle des Codes aus Ihrer Authenticator-App.
    Bewahren Sie sie sicher auf: Zusammen mit Ihrem Passwort öffnet jeder einzelne Ihr Konto.
    Wenn Sie neue Wiederherstellungscodes erstellen, gelten alle diese nicht mehr.

# Anmelden

login-title = Anmelden
login-login-label = Benutzername oder E-Mail-Adresse
login-password-label = Passwort
login-submit = Anmelden
login-submitting = Anmeldung läuft…
login-code-link = Stattdessen einen Code per E-Mail schicken
login-forgot-password-link = Passwort vergessen?
login-new-here = Neu hier?
login-register-link = Konto anlegen
login-back-to-password = Zurück zum Passwort
login-notice-password-reset = Ihr Passwort wurde geändert. Melden Sie sich mit dem neuen an.
login-notice-signed-out = Sie sind abgemeldet.
login-notice-session-ended = Ihre Sitzung ist beendet. Bitte melden Sie sich noch einmal an.

second-factor-title = Sicherheitscode eingeben
second-factor-lead = Öffnen Sie Ihre Authenticator-App, und geben Sie den 6-stelligen Code ein, den sie für { -product } zeigt.
second-factor-submit = Anmelden
second-factor-submitting = Wird geprüft…

button-cancel = Abbrechen

security-title = Sicherheit
security-totp-heading = Authenticator-App
security-status-on = An
security-status-on-text = Bei der Anmeldung wird nach Ihrem Passwort der Code aus Ihrer Authenticator-App abgefragt.
security-status-off = Aus
security-status-off-text = Zur Anmeldung genügt Ihr Passwort oder ein Code per E-Mail. Mit einer Authenticator-App reicht ein gestohlenes Passwort nicht aus.
security-notice-enabled = Die Authenticator-App ist eingeschaltet. Ab jetzt wird bei der Anmeldung nach Ihrem Passwort ihr Code abgefragt.
security-notice-new-codes = Neue Wiederherstellungscodes sind bereit. Die bisherigen gelten nicht mehr.
security-notice-disabled = Die Authenticator-App ist ausgeschaltet. Zur Anmeldung genügt jetzt Ihr Passwort.
security-already-off = Die Authenticator-App ist für dieses Konto schon ausgeschaltet.
security-regenerate = Neue Wiederherstellungscodes
security-disable = App ausschalten
security-setup-start = Authenticator-App einrichten
security-setup-starting = Wird vorbereitet…
security-back = Zurück zu Ihrem Konto
security-setup-scan = Scannen Sie diesen QR-Code mit Ihrer Authenticator-App
security-setup-qr-alt = QR-Code mit dem Schlüssel für Ihre Authenticator-App
security-setup-type-key = Scannen geht nicht? Legen Sie in der App ein Konto an, und tippen Sie diesen Schlüssel ein (zeitbasiert):
security-setup-open-app = In einer Authenticator-App auf diesem Gerät hinzufügen
security-setup-enter-code = Geben Sie den 6-stelligen Code ein, den die App zeigt
security-setup-submit = Einschalten
security-setup-submitting = Wird geprüft…
security-regenerate-title = Neue Wiederherstellungscodes
security-regenerate-explanation = Sie bekommen zehn neue Codes, und alle bisherigen gelten nicht mehr. Bestätigen Sie mit Ihrem Passwort und einem Code aus der App (oder einem Wiederherstellungscode).
security-regenerate-submit = Neue Codes erstellen
security-regenerate-submitting = Codes werden erstellt…
security-disable-title = Authenticator-App ausschalten
security-disable-explanation = Zur Anmeldung genügt dann wieder Ihr Passwort, und Ihre Wiederherstellungscodes gelten nicht mehr. Bestätigen Sie mit Ihrem Passwort und einem Code aus der App (oder einem Wiederherstellungscode).
security-disable-submit = Ausschalten
security-disable-submitting = Wird ausgeschaltet…
security-password-label = Ihr Passwort

admin-user-title = Konto
admin-user-loading = Das Konto wird geladen…
admin-user-missing = Es gibt kein Konto und keine offene Registrierung (mehr) mit dieser Id.
admin-user-all-users = Alle Benutzer
admin-user-done-disable = { $name } ist gesperrt: Alle Sitzungen sind beendet, Anmeldungen werden abgelehnt, und eine E-Mail hat Bescheid gegeben.
admin-user-done-enable = { $name } kann sich wieder anmelden; eine E-Mail hat Bescheid gegeben.
admin-user-done-revoke = { $name } ist überall abgemeldet.
admin-user-done-delete-pending = Die offene Registrierung von { $name } wurde gelöscht.
admin-user-done-delete = Das Konto { $name } wurde gelöscht, und eine Abschieds-E-Mail ist unterwegs.
admin-user-disable = Sperren
admin-user-disabling = Wird gesperrt…
admin-user-enable = Entsperren
admin-user-enabling = Wird entsperrt…
admin-user-revoke = Überall abmelden
admin-user-revoking = Wird abgemeldet…
admin-user-delete = Löschen
admin-user-delete-question = { $name } löschen?
admin-user-delete-confirm = Endgültig löschen
admin-user-deleting = Wird gelöscht…
admin-user-delete-consequence-pending = Die offene Registrierung von { $name } ({ $email }) wird sofort gelöscht, mit ihrem Code. Benutzername und Adresse sind dann wieder frei für eine Registrierung.
admin-user-delete-consequence = Das Konto { $name } wird sofort gelöscht, mit seinen Sitzungen, seinem zweiten Faktor und seinen Codes; es lässt sich nicht wiederherstellen. Der Benutzername und die Adresse { $email } werden frei, und an diese Adresse geht eine Abschieds-E-Mail.
admin-user-own-account = Das ist Ihr eigenes Konto: Verwalten Sie es über Ihr Konto und die Sicherheitsseite.
admin-user-sessions-heading = Offene Sitzungen
admin-user-timeline-heading = Verlauf
admin-user-audit-link = Alle Ereignisse dieses Kontos im Audit-Protokoll
admin-user-mails-heading = E-Mails
admin-user-codes-heading = Codes
admin-user-refused = Der Server hat diese Aktion für dieses Konto abgelehnt.
admin-user-refused-because = Nicht ausgeführt. Der Server sagt: „{ $reasons }“.
admin-user-gone = Dieses Konto gibt es nicht mehr.
admin-user-mfa-on = An
admin-user-mfa-on-codes = An · { $left ->
    [one] noch 1 Wiederherstellungscode
   *[other] noch { $left } Wiederherstellungscodes
}
admin-user-mfa-off = Aus
admin-user-fact-state = Status
admin-user-fact-username = Benutzername
admin-user-fact-email = E-Mail-Adresse
admin-user-email-confirmed = Bestätigt
admin-user-email-unconfirmed = Nicht bestätigt
admin-user-fact-role = Rolle
admin-user-fact-mfa = Authenticator-App
admin-user-fact-created = Angelegt
admin-user-fact-last-login = Letzte Anmeldung
admin-user-never = Nie
admin-user-fact-disabled = Gesperrt
admin-user-fact-id = Id
admin-user-no-sessions = Keine offene Sitzung.
admin-user-session-meta = Angemeldet { $signed_in } · zuletzt aktiv { $last_active }
admin-user-no-events = Keine Ereignisse aufgezeichnet.
admin-user-no-ip = Keine IP
admin-user-by-admin = durch einen Admin
admin-user-no-mails = Keine E-Mails.
admin-user-mail-queued = Eingereiht { $at }
admin-user-mail-sent = verschickt { $at }
admin-user-mail-attempts = { $attempts ->
    [one] 1 Versuch
   *[other] { $attempts } Versuche
}
admin-user-no-codes = Keine Codes.

device-unknown = Unbekanntes Gerät
device-browser-on-system = { $browser } unter { $system }

event-registered = Registriert
event-registration_for_existing_account = Registrierung für ein bestehendes Konto versucht
event-code_sent = Code verschickt
event-code_verified = Code angenommen
event-code_failed = Falscher Code
event-email_verified = E-Mail-Adresse bestätigt
event-login_succeeded = Angemeldet
event-login_failed = Anmeldung fehlgeschlagen
event-login_throttled = Anmeldung gebremst
event-login_code_requested = Anmeldecode angefordert
event-logout = Abgemeldet
event-session_revoked = Sitzung beendet
event-refresh_reuse_detected = Refresh-Token wiederverwendet: Sitzung beendet
event-password_reset_requested = Passwort-Zurücksetzung angefordert
event-password_reset = Passwort zurückgesetzt
event-password_changed = Passwort geändert
event-rate_limited = Gebremst
event-mfa_enabled = Authenticator-App eingeschaltet
event-mfa_disabled = Authenticator-App ausgeschaltet
event-mfa_challenged = Nach dem Authenticator-Code gefragt
event-recovery_code_used = Wiederherstellungscode benutzt
event-recovery_codes_renewed = Neue Wiederherstellungscodes
event-data_exported = Daten heruntergeladen
event-account_deleted = Konto vom Inhaber gelöscht
event-role_changed = Rolle geändert
event-admin_viewed_user = Von einem Admin angesehen
event-admin_disabled_user = Von einem Admin gesperrt
event-admin_enabled_user = Von einem Admin entsperrt
event-admin_revoked_sessions = Von einem Admin überall abgemeldet
event-admin_deleted_user = Von einem Admin gelöscht

mail-kind-verify_email = Bestätigungscode
mail-kind-password_reset = Code zum Zurücksetzen des Passworts
mail-kind-account_exists = Konto existiert bereits
mail-kind-password_changed = Passwort geändert
mail-kind-login_throttled = Anmeldeversuche gebremst
mail-kind-login_code = Anmeldecode
mail-kind-security_notice = Sicherheitshinweis
mail-kind-account_deleted = Abschied (Konto gelöscht)
mail-kind-account_disabled = Konto gesperrt oder entsperrt
mail-kind-user-verified = Adresse bestätigt
mail-kind-user-login = Angemeldet
mail-kind-user-password_changed = Passwort geändert
mail-kind-user-disabled = Konto gesperrt
mail-kind-user-enabled = Konto entsperrt
mail-kind-user-deleted = Konto gelöscht

code-purpose-verify_email = Adresse bestätigen
code-purpose-password_reset = Passwort zurücksetzen
code-purpose-login = Anmelden

code-event-issued = Verschickt
code-event-verified = Angenommen
code-event-failed = Falscher Code versucht
code-event-expired = Abgelaufen
code-event-replaced = Durch einen neueren Code ersetzt

account-state-pending = Offen
account-state-active = Aktiv
account-state-disabled = Gesperrt
channel-mail = E-Mail
channel-webhook = Webhook
mail-status-queued = Eingereiht
mail-status-sent = Verschickt
mail-status-failed = Fehlgeschlagen
name-unknown = Unbekannt

admin-title = Verwaltung
admin-nav-overview = Übersicht
admin-nav-users = Benutzer
admin-nav-mail = E-Mails
admin-nav-codes = Codes
admin-nav-audit = Audit
admin-back-to-account = Zurück zu Ihrem Konto
admin-mfa-link = Authenticator-App einschalten
pager-label = Seiten
pager-previous = Zurück
pager-next = Weiter
pager-status = Seite { $page } von { $pages } · { $range }
pager-range-none = Keine
pager-range-none-here = Keine auf dieser Seite, { $total } insgesamt
pager-range-all = { $total } von { $total }
pager-range = { $first }–{ $last } von { $total }

admin-users-title = Benutzer
admin-users-loading = Die Konten werden geladen…
admin-users-empty = Kein Konto passt.
admin-users-caption = Konten und offene Registrierungen
admin-users-search-label = Benutzername oder E-Mail-Adresse
admin-users-search-placeholder = Teil eines Namens oder einer Adresse
admin-users-state-label = Status
admin-users-state-any = Alle Status
admin-users-col-username = Benutzername
admin-users-col-email = E-Mail-Adresse
admin-users-col-email-short = E-Mail
admin-users-col-state = Status
admin-users-col-role = Rolle
admin-users-col-app = App
admin-users-col-created = Angelegt
admin-users-col-last-login = Letzte Anmeldung
admin-users-col-sessions = Sitzungen
admin-users-app-on = An
admin-users-app-off = Aus
admin-users-never = Nie

stats-loading = Die Zahlen werden geladen…
stats-lead = Die letzten { $days } Tage, heute eingeschlossen (Tage in UTC).
stats-totals = Summen
stats-per-day = Pro Tag
stats-table = Die Zahlen jedes Tages als Tabelle
stats-day = Tag
stats-registrations = Registrierungen
stats-verifications = Bestätigte Adressen
stats-logins = Anmeldungen
stats-failed-logins = Fehlgeschlagene Anmeldungen
stats-mails-failed = Fehlgeschlagene E-Mails
stats-unit-registrations = { $n ->
    [one] 1 Registrierung
   *[other] { $n } Registrierungen
}
stats-unit-verifications = { $n ->
    [one] 1 Bestätigung
   *[other] { $n } Bestätigungen
}
stats-unit-logins = { $n ->
    [one] 1 Anmeldung
   *[other] { $n } Anmeldungen
}
stats-unit-failed-logins = { $n ->
    [one] 1 fehlgeschlagene Anmeldung
   *[other] { $n } fehlgeschlagene Anmeldungen
}
stats-unit-mails-failed = { $n ->
    [one] 1 fehlgeschlagene E-Mail
   *[other] { $n } fehlgeschlagene E-Mails
}
chart-title = { $name } pro Tag, { $first } bis { $last }
chart-title-no-days = { $name } pro Tag
chart-description = { $amount } in { $count ->
    [one] 1 Tag
   *[other] { $count } Tagen
}; die meisten, { $most }, am { $day }.
chart-description-none = { $amount } in { $count ->
    [one] 1 Tag
   *[other] { $count } Tagen
}.
chart-total = { $total } in { $count ->
    [one] 1 Tag
   *[other] { $count } Tagen
}

admin-mail-status-label = Status
admin-mail-status-any = Jeder Status
admin-mail-channel-label = Verschickt als
admin-mail-channel-any = E-Mails und Webhooks
admin-mail-loading = Die E-Mails werden geladen…
admin-mail-empty = Keine E-Mail passt.
admin-mail-caption = E-Mails, neueste zuerst
admin-mail-col-recipient = Empfänger
admin-mail-col-kind = Art
admin-mail-col-attempts = Versuche
admin-mail-col-last-error = Letzter Fehler
admin-mail-col-queued = Eingereiht
admin-mail-col-sent = Verschickt
admin-mail-title = E-Mails
admin-mail-search-placeholder = Teil einer Adresse

admin-codes-purpose-label = Zweck
admin-codes-purpose-any = Jeder Zweck
admin-codes-loading = Die Codes werden geladen…
admin-codes-empty = Kein Code-Ereignis passt.
admin-codes-caption = Code-Ereignisse, neueste zuerst
admin-codes-col-when = Wann
admin-codes-col-address = Adresse
admin-codes-col-what = Was geschah
admin-codes-col-ip = IP
admin-codes-title = Codes
admin-codes-search-placeholder = Teil einer Adresse

admin-audit-event-label = Ereignis
admin-audit-event-any = Jedes Ereignis
admin-audit-loading = Das Audit-Protokoll wird geladen…
admin-audit-empty = Kein Ereignis passt.
admin-audit-caption = Audit-Ereignisse, neueste zuerst
admin-audit-col-when = Wann
admin-audit-col-account = Konto
admin-audit-col-address = Adresse
admin-audit-col-ip = IP
admin-audit-col-device = Gerät
admin-audit-col-detail = Detail
admin-audit-title = Audit-Protokoll
admin-audit-search-label = Konto-Id
admin-audit-search-placeholder = Die Id eines Kontos
admin-audit-account = Konto
admin-audit-admin = Admin
admin-audit-by = durch

change-password-done = Passwort geändert. Andere Geräte wurden abgemeldet.
change-password-heading = Passwort ändern
change-password-current-label = Aktuelles Passwort
change-password-new-label = Neues Passwort
change-password-new-hint = Mindestens 8 Zeichen. Ihre anderen Geräte werden abgemeldet.
change-password-submitting = Wird geändert…
change-password-submit = Passwort ändern

register-notice-account-deleted = Ihr Konto wurde gelöscht, mit seinen Sitzungen, dem zweiten Faktor und den Codes. Eine Abschieds-E-Mail ist unterwegs.
register-lead = Das dauert eine Minute: Wir schicken Ihnen einen 6-stelligen Code per E-Mail, um Ihre Adresse zu bestätigen.
register-have-account = Schon ein Konto?
register-title = Konto anlegen
register-username-label = Benutzername
register-username-hint = 3 bis 32 Buchstaben, Ziffern, „.“, „_“ oder „-“.
register-email-label = E-Mail-Adresse
register-password-label = Passwort
register-password-hint = Mindestens 8 Zeichen; ein paar Wörter lassen sich leicht merken.
register-submitting = Konto wird angelegt…
register-submit = Konto anlegen
register-login-link = Anmelden

forgot-lead = Geben Sie die Adresse Ihres Kontos ein, und wir schicken Ihnen einen 6-stelligen Code per E-Mail, mit dem Sie ein neues Passwort setzen.
forgot-title = Passwort zurücksetzen
forgot-email-label = E-Mail-Adresse
forgot-submitting = Wird gesendet…
forgot-submit = Code schicken
forgot-have-code-link = Ich habe schon einen Code
forgot-back-to-login = Zurück zur Anmeldung

not-found-title = Seite nicht gefunden
not-found-text = Unter dieser Adresse gibt es nichts. Vielleicht wurde sie verschoben, oder der Link ist falsch geschrieben.
not-found-home = Zur Startseite

dashboard-title = Willkommen, { $name }
dashboard-session-last-active = Zuletzt aktiv { $at }
dashboard-session-sign-out = Abmelden
dashboard-sessions-loading = Ihre Sitzungen werden geladen…
dashboard-this-device = Dieses Gerät
dashboard-account-heading = Ihr Konto
dashboard-username = Benutzername
dashboard-email = E-Mail-Adresse
dashboard-email-confirmed = Bestätigt
dashboard-mfa = Authenticator-App
dashboard-mfa-on = An
dashboard-mfa-off = Aus
dashboard-security-link = Sicherheitseinstellungen
dashboard-security-set-up = Einrichten
dashboard-member-since = Mitglied seit
dashboard-role = Rolle
dashboard-sessions-heading = Wo Sie angemeldet sind
dashboard-signing-out = Abmeldung läuft…
dashboard-sign-out = Abmelden

verify-notice-unverified = Ihre Adresse ist noch nicht bestätigt. Geben Sie den Code aus unserer E-Mail ein; ist er abgelaufen, fordern Sie einen neuen an.
verify-notice-resent = Wir haben einen neuen Code an { $email } geschickt. Codes aus früheren E-Mails gelten nicht mehr.
verify-password-needed = Geben Sie das Passwort ein, das Sie bei der Registrierung gewählt haben.
verify-lead-sent-before = Wir haben einen 6-stelligen Code an{ " " }
verify-lead-sent-after = { " " }geschickt. Geben Sie ihn unten ein, um die Adresse zu bestätigen.
verify-lead = Geben Sie Ihre E-Mail-Adresse und den 6-stelligen Code ein, den wir dorthin geschickt haben.
verify-password-hint-link = Den Link auf einem anderen Gerät geöffnet? Geben Sie das Passwort ein, das Sie bei der Registrierung gewählt haben.
verify-password-hint-tab = Die Registrierung wurde nicht in diesem Browser-Tab begonnen: Geben Sie das Passwort ein, das Sie dabei gewählt haben.
verify-title = E-Mail-Adresse bestätigen
verify-email-label = E-Mail-Adresse
verify-password-label = Passwort
verify-submitting = Wird geprüft…
verify-submit = Bestätigen
verify-wrong-address = Falsche Adresse?
verify-register-again = Noch einmal registrieren
verify-register-other-username = Mit einem anderen Benutzernamen registrieren
verify-sign-in = Anmelden
verify-reset-password = Passwort zurücksetzen
verify-expired = Dieser Code ist abgelaufen.
verify-expired-text = Fordern Sie einen neuen Code an dieselbe Adresse an, oder fangen Sie mit der Registrierung von vorn an.
verify-countdown-label = Code läuft ab in
verify-codes-valid = Codes bleiben nach dem Versand ein paar Minuten gültig.
verify-back-to-register = Zurück zur Registrierung

login-code-notice-resent = Falls { $email } ein Konto hat, ist ein neuer Code unterwegs. Codes aus früheren E-Mails gelten nicht mehr.
login-code-notice-sent = Falls { $email } ein Konto hat, ist ein Code unterwegs. Es kann eine Minute dauern, bis er ankommt.
login-code-lead-sent-before = Geben Sie den 6-stelligen Code ein, den wir an{ " " }
login-code-lead-sent-after = { " " }geschickt haben (falls es hier ein Konto hat).
login-code-start-again = Von vorn anfangen
login-code-lead = Geben Sie die Adresse Ihres Kontos ein, und wir schicken Ihnen einen 6-stelligen Code per E-Mail, mit dem Sie sich anmelden.
login-code-title = Mit einem Code per E-Mail anmelden
login-code-sending = Wird gesendet…
login-code-send = Code per E-Mail schicken
login-code-password-link = Stattdessen mit dem Passwort anmelden
login-code-expired = Dieser Code ist abgelaufen.
login-code-countdown-label = Code läuft ab in
login-code-codes-valid = Codes bleiben nach dem Versand ein paar Minuten gültig.
login-code-submitting = Wird geprüft…
login-code-submit = Anmelden
login-code-change-address = Eine andere Adresse verwenden
login-code-expired-send-new = Fordern Sie unten einen neuen an.

reset-notice-resent = Falls { $email } ein Konto hat, ist ein neuer Code unterwegs. Frühere Codes gelten nicht mehr.
reset-lead = Geben Sie den 6-stelligen Code aus unserer E-Mail ein, und wählen Sie ein neues Passwort. Alle Geräte, die an Ihrem Konto angemeldet sind, werden abgemeldet.
reset-title = Neues Passwort wählen
reset-email-label = E-Mail-Adresse
reset-expired = Dieser Code ist abgelaufen. Fordern Sie unten einen neuen an.
reset-countdown-label = Code läuft ab in
reset-password-label = Neues Passwort
reset-password-hint = Mindestens 8 Zeichen.
reset-submitting = Wird gespeichert…
reset-submit = Neues Passwort setzen
reset-back-to-login = Zurück zur Anmeldung

account-data-delete-consequence = Ihr Konto wird sofort gelöscht, zusammen mit seinen Sitzungen auf allen Geräten, dem zweiten Faktor und den Wiederherstellungscodes sowie seinen Codes. Es lässt sich nicht wiederherstellen. Ihr Benutzername und die Adresse { $email } werden für alle zur Registrierung frei, und wir schicken eine Abschieds-E-Mail an diese Adresse.
account-data-saved = Gespeichert als { $name }, in Ihren Downloads.
account-data-save-refused = Dieser Browser hat der Seite das Speichern der Datei nicht erlaubt. Bitte versuchen Sie es noch einmal.
account-data-not-written = Die Daten ließen sich nicht als Datei schreiben. Bitte versuchen Sie es noch einmal.
account-data-delete-asks-code = Geben Sie zur Bestätigung Ihr Passwort und einen Code aus Ihrer Authenticator-App (oder einen Wiederherstellungscode) ein.
account-data-delete-asks-password = Geben Sie zur Bestätigung Ihr Passwort ein.
account-data-heading = Ihre Daten
account-data-text = Alles, was wir zu Ihrem Konto speichern, als Datei: Ihre Angaben, Sitzungen, Anmeldeverlauf, E-Mails und Codes (nie ein Passwort, einen Code oder einen Schlüssel).
account-data-downloading = Ihre Daten werden vorbereitet…
account-data-download = Meine Daten herunterladen
account-data-delete = Mein Konto löschen
account-data-delete-heading = Ihr Konto löschen?
account-data-password-label = Ihr Passwort
account-data-deleting = Wird gelöscht…
account-data-delete-confirm = Mein Konto endgültig löschen
account-data-keep = Mein Konto behalten

captcha-solving = Wir prüfen, dass Sie kein Roboter sind…
code-input-legend = 6-stelliger Code
code-input-digit = Ziffer { $digit } von { $digits }
factor-recovery-label = Wiederherstellungscode
factor-recovery-hint = Einer der zehn Codes, die Sie beim Einschalten der App gespeichert haben, etwa k7qm2-xw9pa. Jeder funktioniert einmal.
factor-switch-to-recovery = Stattdessen einen Wiederherstellungscode verwenden
factor-switch-to-app = Stattdessen den Code aus der App verwenden
form-field-show = Zeigen
form-field-hide = Verbergen
form-field-password = Passwort
resend-ready = Sie können jetzt einen neuen Code anfordern.
resend-sending = Wird gesendet…
resend-button = Neuen Code senden
resend-available-in = möglich in
filter-search = Suchen
filter-clear = Filter zurücksetzen
recovery-codes-copied = Kopiert. Fügen Sie sie in Ihren Passwort-Manager oder eine sichere Notiz ein.
recovery-codes-copy-refused = Dieser Browser hat der Seite das Kopieren nicht erlaubt. Markieren Sie die Codes und kopieren Sie sie, oder laden Sie sie herunter.
recovery-codes-saved = Gespeichert als { $name }, in Ihren Downloads.
recovery-codes-save-refused = Die Datei ließ sich hier nicht speichern. Kopieren Sie die Codes, oder drucken Sie sie stattdessen aus.
recovery-codes-heading = Ihre Wiederherstellungscodes
recovery-codes-print-heading = { -product } · { $account }
recovery-codes-warning = Speichern Sie diese Codes jetzt: Sie werden nur dieses eine Mal gezeigt.
recovery-codes-explanation = Geht Ihr Telefon verloren, meldet Sie jeder Code einmal an, anstelle des Codes aus der App.
recovery-codes-copy = Kopieren
recovery-codes-download = Herunterladen
recovery-codes-print = Drucken
recovery-codes-done = Ich habe sie gespeichert

document-title = { $page } · { -product }
app-loading = Wird geladen…
app-brand = { -product }
app-nav-label = Konto
app-nav-admin = Verwaltung
app-nav-login = Anmelden
app-nav-register = Konto anlegen
app-skip-link = Zum Inhalt springen
app-footer = Codes kommen per E-Mail und bleiben ein paar Minuten gültig.
language-switch-label = Sprache

# Passkeys: die Schaltfläche der Anmeldeseite, die des zweiten Schritts und die Liste der Sicherheitsseite.
passkey-sign-in = Mit einem Passkey anmelden
passkey-sign-in-busy = Warte auf Ihren Passkey…
passkey-second-factor = Stattdessen einen Passkey verwenden
passkey-unsupported = Passkeys können hier nicht verwendet werden: Dieser Browser oder diese Adresse des Portals erlaubt sie nicht.
passkey-cancelled = Es wurde kein Passkey verwendet. Versuchen Sie es erneut oder melden Sie sich anders an.
passkey-already-registered = Dieses Gerät hat bereits einen Passkey für Ihr Konto.
passkey-failed = Der Passkey hat nicht funktioniert: { $why }
passkeys-heading = Passkeys
passkeys-text = Melden Sie sich mit Fingerabdruck, Gesicht, Bildschirmsperre oder einem Sicherheitsschlüssel an statt mit dem Passwort. Ein Passkey funktioniert nur auf dieser Website und kann daher nicht abgefischt werden.
passkeys-empty = Noch keine Passkeys.
passkeys-name-label = Name des neuen Passkeys
passkeys-name-hint = Zum Beispiel „Laptop“ oder „Handy“.
passkeys-password-label = Ihr Passwort
passkeys-add = Passkey hinzufügen
passkeys-adding = Warte auf Ihr Gerät…
passkeys-added = Passkey „{ $name }“ hinzugefügt: Sie können sich jetzt damit anmelden.
passkeys-removed = Passkey „{ $name }“ entfernt.
passkeys-remove = Entfernen
passkeys-remove-label = Den Passkey { $name } entfernen
passkeys-created = Hinzugefügt { $when }
passkeys-last-used = zuletzt verwendet { $when }
passkeys-never-used = noch nicht verwendet
passkeys-verifies = meldet allein an
passkeys-presence-only = fragt zusätzlich nach Ihrem zweiten Faktor
field-name-passkey_name = Name
admin-user-passkeys-heading = Passkeys
admin-user-passkeys-empty = Keine Passkeys.
admin-user-passkey-remove = Entfernen
admin-user-passkey-remove-label = Den Passkey { $name } entfernen
admin-user-passkey-removed = Passkey „{ $name }“ entfernt; der Inhaber wurde per E-Mail informiert.
