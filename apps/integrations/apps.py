from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "apps.integrations"
    verbose_name = "Integrations: outbound event webhooks"

    def ready(self) -> None:
        from apps.integrations.services import SIGNER, record_published, secrets_for_delivery  # after models load
        from apps.live.publisher import PUBLISH_RECORDERS
        from apps.outbound.signing import SIGNERS

        PUBLISH_RECORDERS.register(record_published)
        SIGNERS.register(secrets_for_delivery, name=SIGNER)
