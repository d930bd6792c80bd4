import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from couples.services import linking

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def link(inviter, invitee):
    """Link two people the way the product does: invite, then accept."""
    _invite, code = linking.create_invite(creator=inviter)
    return linking.accept_invite(user=invitee, code=code)


def space_of(user):
    """The person's current space (couple and partner), as a view resolves it
    once per request and hands to the services; 404 when not linked."""
    from couples.access import get_space_for_member

    return get_space_for_member(user)
