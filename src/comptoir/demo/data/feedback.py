"""Small banks of review, reply and message texts in French and English, written for the demo.

A review text is put together from an opening that matches the overall feeling, a sentence about what went
well or wrong (the "topic"), and sometimes a closing. Placeholders: none; the texts stay generic enough to fit
any product of the catalog."""

from __future__ import annotations

OPENINGS = {
    "en": {
        "positive": (
            "Very happy with this purchase.",
            "Excellent seller, I recommend.",
            "Everything went perfectly.",
            "Great experience from start to finish.",
            "Exactly what I was looking for.",
            "Nothing to complain about, top marks.",
        ),
        "mixed": (
            "Overall fine, with a few hiccups.",
            "Decent, but it could have been smoother.",
            "The product is fine; the service was average.",
            "Not bad, not great either.",
        ),
        "negative": (
            "Disappointed with this order.",
            "I would not order from this shop again.",
            "A frustrating experience.",
            "Not what I expected at all.",
        ),
    },
    "fr": {
        "positive": (
            "Très satisfait de cet achat.",
            "Vendeur sérieux, je recommande.",
            "Tout s'est parfaitement passé.",
            "Parfait du début à la fin.",
            "Exactement ce que je cherchais.",
            "Rien à redire, excellent.",
        ),
        "mixed": (
            "Correct dans l'ensemble, avec quelques accrocs.",
            "Bien, mais ça aurait pu être plus simple.",
            "Le produit est bien, le service moyen.",
            "Ni bon ni mauvais.",
        ),
        "negative": (
            "Déçu par cette commande.",
            "Je ne recommanderai pas chez ce vendeur.",
            "Une expérience pénible.",
            "Pas du tout ce que j'attendais.",
        ),
    },
}

TOPICS = {
    "en": {
        "fast": (
            "Shipped the same day and delivered earlier than promised.",
            "Arrived quickly and well tracked.",
            "Fast delivery, well ahead of the estimate.",
        ),
        "well_packed": (
            "Carefully packed, not a scratch.",
            "The packaging was neat and sturdy.",
            "Well protected in the box.",
        ),
        "as_described": (
            "Matches the description and the photos.",
            "The quality is as good as announced.",
            "Works as described.",
        ),
        "late_shipping": (
            "It left the warehouse days after the promised date.",
            "Shipping took much longer than announced.",
            "The parcel was late and nobody told me why.",
        ),
        "not_as_described": (
            "The item does not match the listing: colour and finish are different.",
            "The description was misleading; I sent it back.",
            "Smaller and cheaper-looking than in the photos.",
        ),
        "damaged": ("The box arrived crushed and the item was damaged.", "Poorly packed, it broke in transit."),
        "not_received": (
            "The parcel never arrived and tracking stopped moving.",
            "Never received it; I had to open a dispute to get my money back.",
        ),
        "slow_answers": ("Questions went unanswered for days.", "Hard to get an answer from the seller."),
    },
    "fr": {
        "fast": (
            "Expédié le jour même et livré avant la date prévue.",
            "Arrivé rapidement, suivi impeccable.",
            "Livraison rapide, bien avant l'estimation.",
        ),
        "well_packed": ("Emballage soigné, aucune rayure.", "Colis propre et solide.", "Bien protégé dans le carton."),
        "as_described": (
            "Conforme à la description et aux photos.",
            "La qualité est au rendez-vous.",
            "Fonctionne comme annoncé.",
        ),
        "late_shipping": (
            "Le colis est parti plusieurs jours après la date promise.",
            "L'expédition a pris bien plus de temps qu'annoncé.",
            "Colis en retard, sans aucune explication.",
        ),
        "not_as_described": (
            "L'article ne correspond pas à l'annonce : couleur et finition différentes.",
            "Description trompeuse, je l'ai renvoyé.",
            "Plus petit et de moins bonne qualité que sur les photos.",
        ),
        "damaged": ("Carton écrasé et article abîmé à l'arrivée.", "Mal emballé, cassé pendant le transport."),
        "not_received": (
            "Le colis n'est jamais arrivé et le suivi ne bougeait plus.",
            "Jamais reçu ; j'ai dû ouvrir un litige pour être remboursé.",
        ),
        "slow_answers": (
            "Mes questions sont restées sans réponse pendant des jours.",
            "Difficile d'obtenir une réponse du vendeur.",
        ),
    },
}

CLOSINGS = {
    "en": {
        "positive": ("Thank you!", "Will buy again.", "Five stars."),
        "mixed": ("Could do better.", "We'll see next time."),
        "negative": ("Avoid.", "Refund received, at least.", "Very disappointing."),
    },
    "fr": {
        "positive": ("Merci !", "Je recommanderai.", "Cinq étoiles."),
        "mixed": ("Peut mieux faire.", "À voir la prochaine fois."),
        "negative": ("À éviter.", "Remboursé, au moins.", "Très décevant."),
    },
}

REPLIES = {
    "en": {
        "positive": (
            "Thank you for your kind review, see you soon!",
            "Many thanks, we are glad you like it.",
            "Thanks for your trust and your feedback!",
        ),
        "mixed": (
            "Thank you for your feedback; we are working on our shipping times.",
            "Thanks for the honest review, we will do better next time.",
        ),
        "negative": (
            "We are sorry about this order. Please write to us through your order page so that we can make it right.",
            "Sorry for the trouble. The parcel left late because of a supplier delay; we have changed our process "
            "since.",
            "We regret that the item disappointed you; our listing has been corrected.",
        ),
    },
    "fr": {
        "positive": (
            "Merci beaucoup pour votre avis, à bientôt !",
            "Merci, nous sommes ravis que l'article vous plaise.",
            "Merci pour votre confiance !",
        ),
        "mixed": (
            "Merci pour votre retour ; nous travaillons sur nos délais d'expédition.",
            "Merci pour cet avis honnête, nous ferons mieux la prochaine fois.",
        ),
        "negative": (
            "Nous sommes désolés pour cette commande. Écrivez-nous depuis la page de commande pour que nous trouvions "
            "une solution.",
            "Désolés pour ce contretemps : un retard fournisseur a retardé l'expédition, nous avons revu notre "
            "organisation.",
            "Nous regrettons que l'article vous ait déçu ; l'annonce a été corrigée.",
        ),
    },
}

# A review ring writes short, interchangeable praise.
RING_TEXTS = (
    "Perfect!!! Best seller ever",
    "Top top top, 5 stars",
    "Amazing seller, highly recommend!!",
    "Perfect, fast, recommend 100%",
    "Super seller 5/5",
    "Best shop on Comptoir!!!",
)

# (buyer question, seller answer, buyer thanks) per language.
THREADS = {
    "en": (
        (
            "Hello, could you tell me when my order will be shipped?",
            "Hello, it leaves our warehouse today; you will get the tracking number by email.",
            "Great, thank you!",
        ),
        (
            "Can you add a gift note to the parcel? It is a birthday present.",
            "Of course, we will add a card. Just tell us the message.",
            "Thanks a lot, that's perfect.",
        ),
        (
            "Could you send me an invoice with my company's VAT number?",
            "Sure, the invoice with your VAT number is attached to your order page.",
            "Received, thanks.",
        ),
        (
            "Is this the latest model, with the USB-C port?",
            "Yes, this is the current version with USB-C.",
            "Good to know, thanks.",
        ),
        (
            "The tracking has not moved for two days, is everything fine?",
            "The carrier had a backlog; the parcel is moving again and should arrive tomorrow.",
            "Thanks for checking.",
        ),
    ),
    "fr": (
        (
            "Bonjour, pouvez-vous me dire quand ma commande sera expédiée ?",
            "Bonjour, elle part aujourd'hui ; vous recevrez le numéro de suivi par e-mail.",
            "Parfait, merci !",
        ),
        (
            "Pouvez-vous ajouter un petit mot dans le colis ? C'est un cadeau.",
            "Bien sûr, dites-nous simplement le message à écrire.",
            "Merci beaucoup, c'est parfait.",
        ),
        (
            "Pourriez-vous m'envoyer une facture avec le numéro de TVA de ma société ?",
            "Bien sûr, la facture avec votre numéro de TVA est sur la page de commande.",
            "Bien reçue, merci.",
        ),
        (
            "S'agit-il bien du dernier modèle, avec le port USB-C ?",
            "Oui, c'est la version actuelle, en USB-C.",
            "Merci pour la précision.",
        ),
        (
            "Le suivi ne bouge plus depuis deux jours, tout va bien ?",
            "Le transporteur a pris du retard ; le colis est reparti et devrait arriver demain.",
            "Merci d'avoir vérifié.",
        ),
    ),
}
