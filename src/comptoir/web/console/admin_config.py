from django.contrib.admin.apps import AdminConfig


class ComptoirAdminConfig(AdminConfig):
    """django.contrib.admin with `ComptoirAdminSite` (2FA required, our login pages) as `admin.site`."""

    default_site = "comptoir.web.console.admin_site.ComptoirAdminSite"
