"""`comptoir tax rates-import [--valid-from DATE]`: import the standard VAT rates of 45 European jurisdictions from the
eu-vat-rates-data package (effective-dated, idempotent); `comptoir tax rates [--day DATE]`: the rates in force;
`comptoir tax decide ...`: which regime applies to a sale; `comptoir tax duties-load [--file PATH]`: load the customs
duty rules (taxes/data/duty_rules.json, effective-dated, idempotent); `comptoir tax tariffs-load --file F`: load the
operator's tariff rates (ad valorem, specific, compound) from a CSV (idempotent, all or nothing); `comptoir tax
categories-load [--file F]`: load which rate each tax category (books, foodstuffs…) bears per country
(taxes/data/category_rates.csv by default; idempotent, all or nothing); `comptoir tax product-set --product ID
--category C [--class K]`: how a product is taxed (docs/TAXES.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptoir.catalog.services import product_tax_set
from comptoir.core.exceptions import ApplicationError
from comptoir.taxes.domain.categories import is_excise_category
from comptoir.taxes.domain.liability import Sale, decide_liability
from comptoir.taxes.selectors import vat_rates_in_force
from comptoir.taxes.services import (
    CATEGORY_RATES_FILE,
    TariffFileError,
    category_rates_load,
    duty_rules_load,
    tariff_rates_load,
    vat_rates_import_package,
)


class Command(BaseCommand):
    help = (
        "VAT and duties: `tax rates-import`, `tax rates`, `tax decide`, `tax duties-load`, `tax tariffs-load`, "
        "`tax categories-load`, `tax product-set` (docs/TAXES.md)."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        load = commands.add_parser("rates-import", help="Import standard VAT rates from eu-vat-rates-data.")
        load.add_argument("--valid-from", type=dt.date.fromisoformat, help="Default: the date of the package's data.")
        show = commands.add_parser("rates", help="The VAT rates in force on a day.")
        show.add_argument("--day", type=dt.date.fromisoformat)
        decide = commands.add_parser("decide", help="Which VAT regime applies to a sale, and who collects it.")
        decide.add_argument("--seller-country", required=True)
        decide.add_argument("--goods-country", required=True)
        decide.add_argument("--to", required=True, dest="destination")
        decide.add_argument("--business", action="store_true", help="The buyer gave a valid VAT number.")
        decide.add_argument("--value-eur-cents", type=int, default=0)
        decide.add_argument("--value-gbp-pence", type=int, default=0)
        decide.add_argument("--excise", action="store_true")
        duties = commands.add_parser("duties-load", help="Load the customs duty rules (taxes/data/duty_rules.json).")
        duties.add_argument("--file", type=Path, help="Another rules file of the same shape.")
        tariffs = commands.add_parser(
            "tariffs-load",
            help=(
                "Load tariff rates: CSV area,hs_prefix,origin,rate_percent,valid_from,valid_to,source "
                "[,specific_amount,specific_currency,specific_unit,specific_kind]."
            ),
        )
        tariffs.add_argument("--file", type=Path, required=True)
        categories = commands.add_parser(
            "categories-load",
            help="Load the rate each tax category bears per country: CSV "
            "category,country,kind,rate_percent,valid_from,valid_to,source,verify.",
        )
        categories.add_argument("--file", type=Path, help="Default: taxes/data/category_rates.csv.")
        product = commands.add_parser("product-set", help="Set a product's tax category (and VAT class).")
        product.add_argument("--product", type=int, required=True, dest="product_id")
        product.add_argument("--category", required=True, help="A tax category (books, alcohol…); '' for none.")
        product.add_argument("--class", dest="tax_class", default="standard", help="Default: standard.")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "rates-import":
            report = vat_rates_import_package(valid_from=options["valid_from"])
            self.stdout.write(
                f"{report.source}, in force from {report.valid_from}: {len(report.created)} new, "
                f"{len(report.changed)} changed, {report.unchanged} unchanged."
            )
            for line in report.changed:
                self.stdout.write(f"  changed: {line}")
            return
        if subcommand == "duties-load":
            loaded = duty_rules_load(path=options["file"])
            self.stdout.write(
                f"duty rules {loaded.version}: {len(loaded.created)} new, {len(loaded.changed)} changed, "
                f"{loaded.unchanged} unchanged."
            )
            return
        if subcommand == "tariffs-load":
            try:
                text = options["file"].read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"cannot read {options['file']}: {error}") from error
            try:
                tariffs = tariff_rates_load(text=text)
            except TariffFileError as error:
                raise CommandError(
                    f"{options['file']}: nothing loaded, {len(error.problems)} problem(s):\n"
                    + "\n".join(error.problems)
                ) from error
            self.stdout.write(
                f"tariff rates: {tariffs.rows} rows, {len(tariffs.created)} new, {len(tariffs.changed)} changed, "
                f"{tariffs.unchanged} unchanged."
            )
            return
        if subcommand == "categories-load":
            path = options["file"] or CATEGORY_RATES_FILE
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"cannot read {path}: {error}") from error
            try:
                categories = category_rates_load(text=text)
            except TariffFileError as error:
                raise CommandError(
                    f"{path}: nothing loaded, {len(error.problems)} problem(s):\n" + "\n".join(error.problems)
                ) from error
            self.stdout.write(
                f"category rates: {categories.rows} rows, {len(categories.created)} new, "
                f"{len(categories.changed)} changed, {categories.unchanged} unchanged, "
                f"{categories.to_verify} marked to verify."
            )
            return
        if subcommand == "product-set":
            try:
                changed = product_tax_set(
                    product_id=options["product_id"],
                    tax_class=options["tax_class"],
                    tax_category=options["category"],
                    actor=None,
                )
            except ApplicationError as error:
                raise CommandError(f"{error.message} {error.fields or ''}".strip()) from error
            excise = " (an excise good)" if is_excise_category(changed.tax_category) else ""
            self.stdout.write(
                f"product {changed.pk}: class {changed.tax_class}, category {changed.tax_category or '-'}{excise}."
            )
            return
        if subcommand == "rates":
            for rate in vat_rates_in_force(day=options["day"]):
                kind = f"{rate.category} ({rate.tax_class})" if rate.category else rate.tax_class
                self.stdout.write(f"{rate.country} {kind:<13} {rate.rate_bp / 100:>5g} %  from {rate.valid_from}")
            return
        liability = decide_liability(
            Sale(
                seller_country=options["seller_country"],
                goods_country=options["goods_country"],
                destination_country=options["destination"],
                buyer_is_business=options["business"],
                buyer_vat_number_valid=options["business"],
                consignment_value_eur_cents=options["value_eur_cents"],
                consignment_value_gbp_pence=options["value_gbp_pence"],
                excise_goods=options["excise"],
            )
        )
        self.stdout.write(
            f"regime {liability.regime}; VAT of {liability.tax_country or '—'}; collected by {liability.collector}; "
            f"reason {liability.reason}"
        )
